import PluginRuntime
import RaceDomain
import RoadSenseProtocol

/// `simulation.RunBatch`: request `SimulationRequest`, response `SimulationResult`. A Monte Carlo of the
/// finishing order (`FinishSimulation`), seeded by the request, so a retry gives the same batch.
/// `--set iterations=N` changes the default batch size (2000).
final class SimulationService: PluginService {
    let name = "simulation"
    let methods = ["simulation.RunBatch"]
    private var defaultIterations = 2000
    /// More would hold a worker for long on a 2-core pit-wall laptop.
    static let maximumIterations = 1_000_000

    func start(options: PluginOptions, logger: Logger) throws {
        defaultIterations = Int(try options.positiveNumber("iterations", default: 2000))
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try SimulationRequest(wire: payload)
        let iterations = request.iterations ?? defaultIterations
        guard iterations <= Self.maximumIterations else {
            throw PluginError(
                .invalidArgument, "iterations \(iterations) is more than the limit of \(Self.maximumIterations)")
        }
        let batch = FinishSimulation.run(
            laps: request.laps, raceLaps: request.raceLaps ?? 0, iterations: iterations, seed: request.seed,
            nowMs: request.nowMs)
        return batch.encoded()
    }
}
