import RoadSenseWireC

/// Host to plugin: one unit of work (`roadsense.v1.Call`).
public struct Call: Sendable, Equatable {
    /// Unique per call and stable across attempts.
    public var callID: String
    /// `service.Method`, e.g. `telemetry.ProcessLive`.
    public var method: String
    /// Absolute deadline, ms since the Unix epoch; 0 = none.
    public var deadlineMs: Int64
    /// 1 for the first delivery.
    public var attempt: UInt32
    public var metadata: CallMetadata
    /// The method's request message, encoded.
    public var payload: [UInt8]
    public var priority: Priority

    public init(
        callID: String, method: String, deadlineMs: Int64 = 0, attempt: UInt32 = 1, metadata: CallMetadata = [],
        payload: [UInt8], priority: Priority = .medium
    ) {
        self.callID = callID
        self.method = method
        self.deadlineMs = deadlineMs
        self.attempt = attempt
        self.metadata = metadata
        self.payload = payload
        self.priority = priority
    }

    /// ``metadata`` with one value per key (the last one sent).
    public var metadataDictionary: [String: String] { metadata.dictionary }
}

extension Call: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Call> {
        CMessageCodec(
            roadsense__v1__call__init, roadsense__v1__call__get_packed_size, roadsense__v1__call__pack,
            roadsense__v1__call__unpack, roadsense__v1__call__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Call, in arena: WireArena) {
        message.call_id = arena.string(callID)
        message.method = arena.string(method)
        message.deadline_ms = deadlineMs
        message.attempt = attempt
        (message.n_metadata, message.metadata) = WireMetadataEntry.encode(metadata, in: arena)
        message.payload = arena.bytes(payload)
        message.priority = Roadsense__V1__Priority(rawValue: numericCast(priority.rawValue))
    }

    init(unpacked message: Roadsense__V1__Call) throws {
        self.init(
            callID: WireReader.string(message.call_id), method: WireReader.string(message.method),
            deadlineMs: message.deadline_ms, attempt: message.attempt,
            metadata: try WireMetadataEntry.decode(message.n_metadata, message.metadata),
            payload: WireReader.bytes(message.payload), priority: Priority(wireValue: Int(message.priority.rawValue)))
    }
}
