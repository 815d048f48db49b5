import RoadSenseWireC

/// Plugin to host: the outcome of one call (`roadsense.v1.Reply`).
public struct Reply: Sendable, Equatable {
    public var callID: String
    public var status: StatusCode
    /// Human-readable reason when `status != .ok`.
    public var message: String
    /// The method's response message, encoded, when `status == .ok`.
    public var payload: [UInt8]
    public var metadata: CallMetadata
    /// Echoes `Call.attempt`.
    public var attempt: UInt32

    public init(
        callID: String, status: StatusCode, message: String = "", payload: [UInt8] = [],
        metadata: CallMetadata = [], attempt: UInt32
    ) {
        self.callID = callID
        self.status = status
        self.message = message
        self.payload = payload
        self.metadata = metadata
        self.attempt = attempt
    }
}

extension Reply: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Reply> {
        CMessageCodec(
            roadsense__v1__reply__init, roadsense__v1__reply__get_packed_size, roadsense__v1__reply__pack,
            roadsense__v1__reply__unpack, roadsense__v1__reply__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Reply, in arena: WireArena) {
        message.call_id = arena.string(callID)
        message.status = Roadsense__V1__StatusCode(rawValue: numericCast(status.rawValue))
        message.message = arena.string(self.message)
        message.payload = arena.bytes(payload)
        (message.n_metadata, message.metadata) = WireMetadataEntry.encode(metadata, in: arena)
        message.attempt = attempt
    }

    init(unpacked message: Roadsense__V1__Reply) throws {
        self.init(
            callID: WireReader.string(message.call_id), status: StatusCode(wireValue: Int(message.status.rawValue)),
            message: WireReader.string(message.message), payload: WireReader.bytes(message.payload),
            metadata: try WireMetadataEntry.decode(message.n_metadata, message.metadata), attempt: message.attempt)
    }
}
