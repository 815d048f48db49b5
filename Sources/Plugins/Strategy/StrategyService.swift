import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol

/// `strategy.UpdatePredictions`: request `StrategyRequest`, response `StrategyResult`.
///
/// The pace model is loaded once, at start (`PaceModelSource`: `--set model=PATH`, `model=prior`, or the model
/// shipped with the build); every prediction names its version. One `LiveStrategy` keeps each car's
/// `StintPaceFilter` between calls and feeds it only the laps it has not seen; a car whose laps are not the ones seen
/// plus more starts again from its first lap, so each answer is the filter's on exactly the request's laps (a retry
/// gives the same answer). A request whose race length differs from the previous one's starts a fresh race.
final class StrategyService: PluginService {
    let name = "strategy"
    let methods = ["strategy.UpdatePredictions"]
    private var live: LiveStrategy?
    private var raceLaps: Int?
    private var model: PaceModel?

    func start(options: PluginOptions, logger: Logger) throws {
        let model = try PaceModelSource.load(options: options, logger: logger)
        self.model = model
        live = LiveStrategy(model: model)
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try StrategyRequest(wire: payload)
        guard let model, var live else { throw PluginError(.failedPrecondition, "the pace model is not loaded") }
        let length = request.raceLaps ?? 0
        if raceLaps != nil && raceLaps != length { live = LiveStrategy(model: model) }
        raceLaps = length
        live.update(laps: request.laps)
        self.live = live
        return StrategyResult(predictions: live.predictions(raceLaps: length, nowMs: request.nowMs)).encoded()
    }
}
