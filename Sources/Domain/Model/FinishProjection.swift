/// One car's simulated finish: where a batch of Monte Carlo races put it.
public struct FinishProjection: Sendable, Equatable {
    public var vehicleID: String
    public var carNumber: Int?
    /// Position now (1 = leader), from the running order.
    public var currentPosition: Int
    /// Mean simulated finishing position.
    public var expectedPosition: Double
    /// Share of simulated races it won, 0…1.
    public var winProbability: Double
    /// Share of simulated races it finished in the top three, 0…1.
    public var podiumProbability: Double
    /// `positionCounts[k]`: runs in which the car finished in position k + 1.
    public var positionCounts: [Int]

    public init(
        vehicleID: String, carNumber: Int?, currentPosition: Int, expectedPosition: Double, winProbability: Double,
        podiumProbability: Double, positionCounts: [Int] = []
    ) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.currentPosition = currentPosition
        self.expectedPosition = expectedPosition
        self.winProbability = winProbability
        self.podiumProbability = podiumProbability
        self.positionCounts = positionCounts
    }
}
