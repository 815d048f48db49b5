import PluginRuntime
import RaceDomain
import RoadSenseProtocol

/// `strategy.UpdatePredictions`: request `StrategyRequest`, response `StrategyResult`.
/// Stateless: every call fits the model afresh from all laps so far, so a retry gives the same answer.
final class StrategyService: PluginService {
    let name = "strategy"
    let methods = ["strategy.UpdatePredictions"]

    func start(options: PluginOptions, logger: Logger) throws {}

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try StrategyRequest(wire: payload)
        let pitLoss = StrategyEngine.measuredPitLossMs(laps: request.laps)
        let engine = pitLoss.map { StrategyEngine(pitLossMs: $0) } ?? StrategyEngine()
        let predictions = engine.predict(laps: request.laps, raceLaps: request.raceLaps ?? 0, nowMs: request.nowMs)
        return StrategyResult(predictions: predictions).encoded()
    }
}
