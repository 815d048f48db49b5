/// The strategy model's view of one car: degradation, next lap and pit window, with a confidence.
public struct StrategyPrediction: Sendable, Equatable {
    public var vehicleID: String
    public var carNumber: Int?
    public var computedMs: Int64
    public var lapsCompleted: Int
    public var lapsRemaining: Int
    /// Fitted lap-time slope over the current stint's clean laps (ms per lap; positive = slowing).
    public var degradationMsPerLap: Double
    /// Standard error of that slope; nil under 3 clean laps.
    public var degradationStderr: Double?
    public var predictedNextLapMs: Double
    /// First and last lap of the recommended pit window; nil when no stop pays off.
    public var pitWindowOpenLap: Int?
    public var pitWindowCloseLap: Int?
    /// 0...1: how far the fit can be trusted.
    public var confidence: Double
    public var cleanLaps: Int
    /// Model name and version.
    public var model: String
    /// One line a strategist can read.
    public var rationale: String

    public init(
        vehicleID: String, carNumber: Int?, computedMs: Int64, lapsCompleted: Int, lapsRemaining: Int,
        degradationMsPerLap: Double, degradationStderr: Double?, predictedNextLapMs: Double,
        pitWindowOpenLap: Int?, pitWindowCloseLap: Int?, confidence: Double, cleanLaps: Int, model: String,
        rationale: String
    ) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.computedMs = computedMs
        self.lapsCompleted = lapsCompleted
        self.lapsRemaining = lapsRemaining
        self.degradationMsPerLap = degradationMsPerLap
        self.degradationStderr = degradationStderr
        self.predictedNextLapMs = predictedNextLapMs
        self.pitWindowOpenLap = pitWindowOpenLap
        self.pitWindowCloseLap = pitWindowCloseLap
        self.confidence = confidence
        self.cleanLaps = cleanLaps
        self.model = model
        self.rationale = rationale
    }
}
