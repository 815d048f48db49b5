/// A periodic analytics result: performance, competitor or weather.
public struct AnalyticsReport: Sendable, Equatable {
    public var kind: String
    public var generatedMs: Int64
    public var cars: [CarPerformance]
    public var weather: WeatherSample?
    public var summary: String
    /// Weather reports: the conditions (latest per sensor, trends, rain) the `weather` sample summarises.
    public var conditions: WeatherConditions?

    public init(
        kind: String, generatedMs: Int64, cars: [CarPerformance], weather: WeatherSample?, summary: String,
        conditions: WeatherConditions? = nil
    ) {
        self.kind = kind
        self.generatedMs = generatedMs
        self.cars = cars
        self.weather = weather
        self.summary = summary
        self.conditions = conditions
    }
}
