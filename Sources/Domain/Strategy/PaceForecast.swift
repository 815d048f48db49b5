/// One car's forecast lap time for a lap ahead, with its 80 % interval.
public struct PaceForecast: Sendable, Equatable {
    /// The lap forecast (lap number in the race).
    public var lap: Int
    /// Laps ahead of the last completed lap (1 = the next lap).
    public var horizon: Int
    public var meanMs: Double
    /// 10th and 90th percentile.
    public var lowMs: Double
    public var highMs: Double
    /// The forecast comes from a fitted stint model, not a fallback to the last lap seen.
    public var fitted: Bool
    /// The spread the interval was scaled by (`StintPaceFilter.intervalScaleMs`), ms.
    public var scaleMs: Double

    public init(
        lap: Int, horizon: Int, meanMs: Double, lowMs: Double, highMs: Double, fitted: Bool, scaleMs: Double = 0
    ) {
        self.lap = lap
        self.horizon = horizon
        self.meanMs = meanMs
        self.lowMs = lowMs
        self.highMs = highMs
        self.fitted = fitted
        self.scaleMs = scaleMs
    }
}
