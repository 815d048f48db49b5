import RoadSenseWireC

/// Request of `ingest.IngestExternal`: the plugin knows its source; the request says when.
public struct IngestRequest: Sendable, Equatable {
    public var nowMs: Int64

    public init(nowMs: Int64) { self.nowMs = nowMs }
}

extension IngestRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__IngestRequest> {
        CMessageCodec(
            roadsense__v1__ingest_request__init, roadsense__v1__ingest_request__get_packed_size,
            roadsense__v1__ingest_request__pack, roadsense__v1__ingest_request__unpack,
            roadsense__v1__ingest_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__IngestRequest, in arena: WireArena) {
        message.now_ms = nowMs
    }

    init(unpacked message: Roadsense__V1__IngestRequest) throws {
        self.init(nowMs: message.now_ms)
    }
}
