import RaceDomain
import RoadSenseWireC

/// Request of `strategy.UpdatePredictions`: every lap so far, in any order.
public struct StrategyRequest: Sendable, Equatable {
    public var laps: [LapRecord]
    /// Scheduled race length in laps; nil = unknown (0 on the wire).
    public var raceLaps: Int?
    public var nowMs: Int64

    public init(laps: [LapRecord], raceLaps: Int?, nowMs: Int64) {
        self.laps = laps
        self.raceLaps = raceLaps
        self.nowMs = nowMs
    }
}

extension StrategyRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__StrategyRequest> {
        CMessageCodec(
            roadsense__v1__strategy_request__init, roadsense__v1__strategy_request__get_packed_size,
            roadsense__v1__strategy_request__pack, roadsense__v1__strategy_request__unpack,
            roadsense__v1__strategy_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__StrategyRequest, in arena: WireArena) {
        message.n_laps = laps.count
        message.laps = arena.messages(laps)
        message.race_laps = WireScalar.int32(raceLaps, unknown: 0)
        message.now_ms = nowMs
    }

    init(unpacked message: Roadsense__V1__StrategyRequest) throws {
        self.init(
            laps: try WireReader.messages(message.n_laps, message.laps),
            raceLaps: WireScalar.optional(message.race_laps, unknown: 0), nowMs: message.now_ms)
    }
}
