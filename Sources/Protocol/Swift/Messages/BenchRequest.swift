import RoadSenseWireC

/// Request of the `bench.*` methods: work of a known shape for load and failure tests.
public struct BenchRequest: Sendable, Equatable {
    /// `bench.Sleep` / `bench.Hang`: how long to work.
    public var sleepMs: UInt32
    /// `bench.Fail`: the status to reply with.
    public var failWith: StatusCode
    /// Echoed back in the result.
    public var blob: [UInt8]

    public init(sleepMs: UInt32 = 0, failWith: StatusCode = .ok, blob: [UInt8] = []) {
        self.sleepMs = sleepMs
        self.failWith = failWith
        self.blob = blob
    }
}

extension BenchRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__BenchRequest> {
        CMessageCodec(
            roadsense__v1__bench_request__init, roadsense__v1__bench_request__get_packed_size,
            roadsense__v1__bench_request__pack, roadsense__v1__bench_request__unpack,
            roadsense__v1__bench_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__BenchRequest, in arena: WireArena) {
        message.sleep_ms = sleepMs
        message.fail_with = Roadsense__V1__StatusCode(rawValue: UInt32(failWith.rawValue))
        message.blob = arena.bytes(blob)
    }

    init(unpacked message: Roadsense__V1__BenchRequest) {
        self.init(
            sleepMs: message.sleep_ms, failWith: StatusCode(wireValue: Int(message.fail_with.rawValue)),
            blob: WireReader.bytes(message.blob))
    }
}
