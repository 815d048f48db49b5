import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol

/// `simulation.RunBatch`: request `SimulationRequest`, response `SimulationResult`. A Monte Carlo of the rest of the
/// race from the pace model (`StrategySimulation`: cautions, close-up and restarts; every car without a stop, and
/// each car stopping at its best pit-window lap, on the same draws), seeded by the request, so a retry gives the same
/// distributions. The pace model is loaded once at start (`PaceModelSource`, as the strategy plugin does).
/// `--set iterations=N` changes the runs per option (default 10,000); runs per second are measured here.
final class SimulationService: PluginService {
    let name = "simulation"
    let methods = ["simulation.RunBatch"]
    private var defaultIterations = StrategySimulation.defaultRuns
    private var model: PaceModel?
    /// More would hold a worker for long on a 2-core pit-wall laptop.
    static let maximumIterations = 1_000_000

    func start(options: PluginOptions, logger: Logger) throws {
        defaultIterations = Int(
            try options.positiveNumber("iterations", default: Double(StrategySimulation.defaultRuns)))
        model = try PaceModelSource.load(options: options, logger: logger)
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try SimulationRequest(wire: payload)
        guard let model else { throw PluginError(.failedPrecondition, "the pace model is not loaded") }
        let iterations = request.iterations ?? defaultIterations
        guard iterations <= Self.maximumIterations else {
            throw PluginError(
                .invalidArgument, "iterations \(iterations) is more than the limit of \(Self.maximumIterations)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var batch = StrategySimulation.run(
            laps: request.laps, raceLaps: request.raceLaps ?? 0, model: model, runs: iterations, seed: request.seed,
            nowMs: request.nowMs, shouldStop: { context.isCancelled })
        let elapsed = clock.now - started
        guard batch.iterations == iterations || batch.cars.isEmpty else {
            throw PluginError(
                .deadlineExceeded,
                "stopped after \(batch.iterations) of \(iterations) runs per option (\(batch.options.count) options): "
                    + "the call was cancelled or passed its deadline")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        batch.runsPerSecond = seconds > 0 ? Double(batch.racesSimulated) / seconds : 0
        return batch.encoded()
    }
}
