import RoadSenseWireC

/// Response of the `bench.*` methods: who ran the call, and the request's blob.
public struct BenchResult: Sendable, Equatable {
    public var pid: UInt32
    public var attempt: UInt32
    public var blob: [UInt8]

    public init(pid: UInt32, attempt: UInt32, blob: [UInt8] = []) {
        self.pid = pid
        self.attempt = attempt
        self.blob = blob
    }
}

extension BenchResult: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__BenchResult> {
        CMessageCodec(
            roadsense__v1__bench_result__init, roadsense__v1__bench_result__get_packed_size,
            roadsense__v1__bench_result__pack, roadsense__v1__bench_result__unpack,
            roadsense__v1__bench_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__BenchResult, in arena: WireArena) {
        message.pid = pid
        message.attempt = attempt
        message.blob = arena.bytes(blob)
    }

    init(unpacked message: Roadsense__V1__BenchResult) {
        self.init(pid: message.pid, attempt: message.attempt, blob: WireReader.bytes(message.blob))
    }
}
