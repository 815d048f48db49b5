import RaceDomain
import RoadSenseWireC

/// Response of `strategy.UpdatePredictions`: one prediction per car.
public struct StrategyResult: Sendable, Equatable {
    public var predictions: [StrategyPrediction]

    public init(predictions: [StrategyPrediction]) {
        self.predictions = predictions
    }
}

extension StrategyResult: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__StrategyResult> {
        CMessageCodec(
            roadsense__v1__strategy_result__init, roadsense__v1__strategy_result__get_packed_size,
            roadsense__v1__strategy_result__pack, roadsense__v1__strategy_result__unpack,
            roadsense__v1__strategy_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__StrategyResult, in arena: WireArena) {
        message.n_predictions = predictions.count
        message.predictions = arena.messages(predictions)
    }

    init(unpacked message: Roadsense__V1__StrategyResult) throws {
        self.init(predictions: try WireReader.messages(message.n_predictions, message.predictions))
    }
}
