import RoadSenseWireC

/// Host to plugin, the answer to ``Hello`` (`roadsense.v1.Welcome`).
public struct Welcome: Sendable, Equatable {
    public var hostID: String
    public var heartbeatIntervalMs: UInt32
    /// Missed heartbeats before a peer counts as dead.
    public var liveness: UInt32

    public init(hostID: String, heartbeatIntervalMs: UInt32, liveness: UInt32) {
        self.hostID = hostID
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.liveness = liveness
    }
}

extension Welcome: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Welcome> {
        CMessageCodec(
            roadsense__v1__welcome__init, roadsense__v1__welcome__get_packed_size, roadsense__v1__welcome__pack,
            roadsense__v1__welcome__unpack, roadsense__v1__welcome__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Welcome, in arena: WireArena) {
        message.host_id = arena.string(hostID)
        message.heartbeat_interval_ms = heartbeatIntervalMs
        message.liveness = liveness
    }

    init(unpacked message: Roadsense__V1__Welcome) {
        self.init(
            hostID: WireReader.string(message.host_id), heartbeatIntervalMs: message.heartbeat_interval_ms,
            liveness: message.liveness)
    }
}
