import RoadSenseWireC

/// Request of `maintenance.CleanupTelemetry`, `maintenance.CleanupAlerts` and `alerts.AcknowledgeStale`.
public struct MaintenanceRequest: Sendable, Equatable {
    public var nowMs: Int64
    /// Age cut-off; nil = the plugin's configured default (0 on the wire).
    public var olderThanMs: Int64?

    public init(nowMs: Int64, olderThanMs: Int64? = nil) {
        self.nowMs = nowMs
        self.olderThanMs = olderThanMs
    }
}

extension MaintenanceRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__MaintenanceRequest> {
        CMessageCodec(
            roadsense__v1__maintenance_request__init, roadsense__v1__maintenance_request__get_packed_size,
            roadsense__v1__maintenance_request__pack, roadsense__v1__maintenance_request__unpack,
            roadsense__v1__maintenance_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__MaintenanceRequest, in arena: WireArena) {
        message.now_ms = nowMs
        message.older_than_ms = WireScalar.int64(olderThanMs)
    }

    init(unpacked message: Roadsense__V1__MaintenanceRequest) throws {
        self.init(nowMs: message.now_ms, olderThanMs: WireScalar.optional(message.older_than_ms))
    }
}
