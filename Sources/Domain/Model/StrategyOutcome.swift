/// One car's finishing positions when it follows one strategy option in a batch of simulated races (the others
/// run without a stop): `simulation.RunBatch` simulates, per car, a stop at its best pit-window lap.
public struct StrategyOutcome: Sendable, Equatable {
    public var vehicleID: String
    public var carNumber: Int?
    /// The car stops at the end of this lap (its in-lap).
    public var pitLap: Int
    /// What the stop costs under green (a caution in the in-lap costs the caution pit loss instead).
    public var pitLossMs: Double
    /// The pit window's expected time gained by this stop over the rest of the race (negative: lost).
    public var expectedGainMs: Double
    public var expectedPosition: Double
    public var winProbability: Double
    public var podiumProbability: Double
    /// `positionCounts[k]`: runs in which the car finished in position k + 1.
    public var positionCounts: [Int]

    public init(
        vehicleID: String, carNumber: Int?, pitLap: Int, pitLossMs: Double, expectedGainMs: Double,
        expectedPosition: Double, winProbability: Double, podiumProbability: Double, positionCounts: [Int]
    ) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.pitLap = pitLap
        self.pitLossMs = pitLossMs
        self.expectedGainMs = expectedGainMs
        self.expectedPosition = expectedPosition
        self.winProbability = winProbability
        self.podiumProbability = podiumProbability
        self.positionCounts = positionCounts
    }
}
