/// The outcome of one batch of simulated race finishes (`simulation.RunBatch`): a Monte Carlo of the rest of the
/// race from the pace model (`StrategySimulation`), every car without a stop, and per car a stop at its best
/// pit-window lap, all on the same random draws.
public struct SimulationBatch: Sendable, Equatable {
    public var computedMs: Int64
    /// Runs per option (the no-stop race and each car's stop each ran this many times).
    public var iterations: Int
    /// The random seed: the same seed and laps give the same batch.
    public var seed: UInt64
    /// Laps left to run in every simulated race.
    public var lapsRemaining: Int
    /// In current running order: every car's finish when no car stops.
    public var cars: [FinishProjection]
    /// Per car, its finish when it stops at its best pit-window lap.
    public var options: [StrategyOutcome]
    /// Races simulated in all (iterations × (1 + options)), and how many per second of wall time (0: not measured).
    public var racesSimulated: Int
    public var runsPerSecond: Double
    /// The pace model's version (`PaceModel.version`).
    public var model: String

    public init(
        computedMs: Int64, iterations: Int, seed: UInt64, lapsRemaining: Int, cars: [FinishProjection],
        options: [StrategyOutcome] = [], racesSimulated: Int = 0, runsPerSecond: Double = 0, model: String = ""
    ) {
        self.computedMs = computedMs
        self.iterations = iterations
        self.seed = seed
        self.lapsRemaining = lapsRemaining
        self.cars = cars
        self.options = options
        self.racesSimulated = racesSimulated
        self.runsPerSecond = runsPerSecond
        self.model = model
    }
}
