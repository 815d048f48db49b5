/// One weather-station reading; nil = missing (sentinels such as `-999` and a constant `0` track
/// temperature are read as missing).
public struct WeatherSample: Sendable, Equatable {
    public var timeMs: Int64
    public var airTempC: Double?
    public var trackTempC: Double?
    public var humidityPct: Double?
    public var pressureHPa: Double?
    public var windSpeedKph: Double?
    public var windDirectionDeg: Double?
    public var rain: Bool

    public init(
        timeMs: Int64, airTempC: Double?, trackTempC: Double?, humidityPct: Double?, pressureHPa: Double?,
        windSpeedKph: Double?, windDirectionDeg: Double?, rain: Bool
    ) {
        self.timeMs = timeMs
        self.airTempC = airTempC
        self.trackTempC = trackTempC
        self.humidityPct = humidityPct
        self.pressureHPa = pressureHPa
        self.windSpeedKph = windSpeedKph
        self.windDirectionDeg = windDirectionDeg
        self.rain = rain
    }
}
