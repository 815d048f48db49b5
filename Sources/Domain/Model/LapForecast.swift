/// One lap ahead as the strategy plugin forecasts it: the mean and the 80 % interval (10th and 90th percentile).
public struct LapForecast: Sendable, Equatable {
    /// Lap number in the race.
    public var lap: Int
    /// Laps ahead of the last completed lap (1 = the next lap).
    public var horizon: Int
    public var meanMs: Double
    public var lowMs: Double
    public var highMs: Double

    public init(lap: Int, horizon: Int, meanMs: Double, lowMs: Double, highMs: Double) {
        self.lap = lap
        self.horizon = horizon
        self.meanMs = meanMs
        self.lowMs = lowMs
        self.highMs = highMs
    }

    public init(_ forecast: PaceForecast) {
        self.init(
            lap: forecast.lap, horizon: forecast.horizon, meanMs: forecast.meanMs, lowMs: forecast.lowMs,
            highMs: forecast.highMs)
    }
}
