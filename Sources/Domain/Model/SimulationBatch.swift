/// The outcome of one batch of simulated race finishes (`simulation.RunBatch`).
public struct SimulationBatch: Sendable, Equatable {
    public var computedMs: Int64
    public var iterations: Int
    /// The random seed: the same seed and laps give the same batch.
    public var seed: UInt64
    /// Laps left to run in every simulated race.
    public var lapsRemaining: Int
    /// In current running order.
    public var cars: [FinishProjection]

    public init(computedMs: Int64, iterations: Int, seed: UInt64, lapsRemaining: Int, cars: [FinishProjection]) {
        self.computedMs = computedMs
        self.iterations = iterations
        self.seed = seed
        self.lapsRemaining = lapsRemaining
        self.cars = cars
    }
}
