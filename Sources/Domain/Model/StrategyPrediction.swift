/// The strategy model's view of one car: tyre degradation, the next laps with their 80 % intervals, and the pit
/// window under green and under a caution, with the pace model version it came from (`LiveStrategy`).
public struct StrategyPrediction: Sendable, Equatable {
    public var vehicleID: String
    public var carNumber: Int?
    public var computedMs: Int64
    public var lapsCompleted: Int
    public var lapsRemaining: Int
    /// Tyre part of the car's fitted stint slope (ms per lap of tyre age; positive = slowing).
    public var degradationMsPerLap: Double
    /// Standard error of that slope; nil before the stint is fitted.
    public var degradationStderr: Double?
    public var predictedNextLapMs: Double
    /// 80 % interval of the next lap.
    public var nextLapLowMs: Double?
    public var nextLapHighMs: Double?
    /// The next laps (up to 5, not past the race's end), each with its 80 % interval.
    public var forecasts: [LapForecast]
    /// Laps on the current tyres at the last completed lap (0 on the stint's first lap).
    public var tyreAgeLaps: Int
    /// What a stop costs under green (ms): measured in this race when `pitLossStops` > 0, else the model's.
    public var pitLossMs: Double?
    public var pitLossStops: Int
    /// What a stop whose in-lap is under caution costs; nil when the model has no measurement.
    public var cautionPitLossMs: Double?
    /// The stop with the largest expected gain under green (negative: the least costly one); nil when no lap is left.
    public var bestStop: PitWindow.Option?
    /// The same under a caution, and the laps in which a stop under caution gains time.
    public var bestStopUnderCaution: PitWindow.Option?
    public var cautionWindowOpenLap: Int?
    public var cautionWindowCloseLap: Int?
    /// First and last lap of the recommended pit window under green; nil when no stop pays off.
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
        rationale: String, nextLapLowMs: Double? = nil, nextLapHighMs: Double? = nil, forecasts: [LapForecast] = [],
        tyreAgeLaps: Int = 0, pitLossMs: Double? = nil, pitLossStops: Int = 0, cautionPitLossMs: Double? = nil,
        bestStop: PitWindow.Option? = nil, bestStopUnderCaution: PitWindow.Option? = nil,
        cautionWindowOpenLap: Int? = nil, cautionWindowCloseLap: Int? = nil
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
        self.nextLapLowMs = nextLapLowMs
        self.nextLapHighMs = nextLapHighMs
        self.forecasts = forecasts
        self.tyreAgeLaps = tyreAgeLaps
        self.pitLossMs = pitLossMs
        self.pitLossStops = pitLossStops
        self.cautionPitLossMs = cautionPitLossMs
        self.bestStop = bestStop
        self.bestStopUnderCaution = bestStopUnderCaution
        self.cautionWindowOpenLap = cautionWindowOpenLap
        self.cautionWindowCloseLap = cautionWindowCloseLap
    }
}
