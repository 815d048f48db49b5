import RoadSenseWireC

/// Either side, periodically: I am alive (`roadsense.v1.Heartbeat`).
public struct Heartbeat: Sendable, Equatable {
    public var sentMs: Int64
    /// Calls the sender currently holds.
    public var inFlight: UInt32

    public init(sentMs: Int64, inFlight: UInt32) {
        self.sentMs = sentMs
        self.inFlight = inFlight
    }
}

extension Heartbeat: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Heartbeat> {
        CMessageCodec(
            roadsense__v1__heartbeat__init, roadsense__v1__heartbeat__get_packed_size, roadsense__v1__heartbeat__pack,
            roadsense__v1__heartbeat__unpack, roadsense__v1__heartbeat__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Heartbeat, in arena: WireArena) {
        message.sent_ms = sentMs
        message.in_flight = inFlight
    }

    init(unpacked message: Roadsense__V1__Heartbeat) {
        self.init(sentMs: message.sent_ms, inFlight: message.in_flight)
    }
}
