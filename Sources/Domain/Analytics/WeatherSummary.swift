/// The race's weather in one line's worth of numbers; sentinel readings (`-999`, barber's constant `0`
/// track temperature) are missing, so a range is nil when the sensor never reported.
public struct WeatherSummary: Codable, Sendable, Equatable {
    public var file: String
    public var samples: Int
    public var firstMs: Int64
    public var lastMs: Int64
    public var airTempMinC: Double?
    public var airTempMaxC: Double?
    public var trackTempMinC: Double?
    public var trackTempMaxC: Double?
    public var humidityMinPct: Double?
    public var humidityMaxPct: Double?
    /// Any sample with `RAIN` other than 0.
    public var rain: Bool
    /// Samples with `RAIN` other than 0.
    public var rainSamples: Int

    public init(file: String, samples: [WeatherSample]) {
        self.file = file
        self.samples = samples.count
        firstMs = samples.map(\.timeMs).min() ?? 0
        lastMs = samples.map(\.timeMs).max() ?? 0
        let air = samples.compactMap(\.airTempC)
        let track = samples.compactMap(\.trackTempC)
        let humidity = samples.compactMap(\.humidityPct)
        airTempMinC = air.min()
        airTempMaxC = air.max()
        trackTempMinC = track.min()
        trackTempMaxC = track.max()
        humidityMinPct = humidity.min()
        humidityMaxPct = humidity.max()
        rainSamples = samples.filter(\.rain).count
        rain = rainSamples > 0
    }
}
