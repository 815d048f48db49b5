/// Per-car performance figures for an analytics report.
public struct CarPerformance: Sendable, Equatable {
    public var vehicleID: String
    public var carNumber: Int?
    public var lapsCompleted: Int
    public var bestLapMs: Int64?
    public var bestLapNumber: Int?
    /// Sum of the car's best sectors.
    public var theoreticalBestMs: Int64?
    public var topSpeedKph: Double?
    /// Performance report: median of the car's clean laps. Competitor report: its pace over the last laps.
    public var medianGreenLapMs: Int64?
    public var position: Int?
    /// The car's full pace figures; performance reports only.
    public var pace: CarPace?
    /// The car's gaps, closing rate and threats; competitor reports only.
    public var gap: CompetitorGap?

    public init(
        vehicleID: String, carNumber: Int?, lapsCompleted: Int, bestLapMs: Int64?, bestLapNumber: Int?,
        theoreticalBestMs: Int64?, topSpeedKph: Double?, medianGreenLapMs: Int64?, position: Int?,
        pace: CarPace? = nil, gap: CompetitorGap? = nil
    ) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.lapsCompleted = lapsCompleted
        self.bestLapMs = bestLapMs
        self.bestLapNumber = bestLapNumber
        self.theoreticalBestMs = theoreticalBestMs
        self.topSpeedKph = topSpeedKph
        self.medianGreenLapMs = medianGreenLapMs
        self.position = position
        self.pace = pace
        self.gap = gap
    }
}
