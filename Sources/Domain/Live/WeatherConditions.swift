/// The weather at an instant: the latest reading of each sensor, how air and track temperature are moving,
/// and whether it is raining. Built by `WeatherConditions.asOf`.
///
/// Missing readings: nil fields (the reader's sentinels), a `-999` or lower reading (the station's "no
/// reading"), and a track temperature that has been exactly 0 in every sample so far (barber: no sensor) are
/// all missing, so samples that did not come through `WeatherReader` are treated the same way.
public struct WeatherConditions: Codable, Sendable, Equatable {
    /// Time of the newest sample used.
    public var timeMs: Int64
    /// Samples at or before the instant.
    public var samples: Int
    /// Each sensor's newest non-missing reading.
    public var airTempC: Double?
    public var trackTempC: Double?
    public var humidityPct: Double?
    public var pressureHPa: Double?
    public var windSpeedKph: Double?
    public var windDirectionDeg: Double?
    /// The newest sample says it rains.
    public var raining: Bool
    /// Any sample so far said it rained.
    public var rainSeen: Bool
    /// Least-squares slope of air / track temperature over the last `trendWindowMs` (default 30 min), °C per
    /// hour; nil with fewer than two readings in the window.
    public var airTempTrendCPerHour: Double?
    public var trackTempTrendCPerHour: Double?

    /// How far back the trends look.
    public static let trendWindowMs: Int64 = 30 * 60_000

    /// The conditions from the samples at or before `asOfMs` (nil = all); nil when there is none. The trends
    /// look back `trendWindowMs` from the newest sample.
    public static func asOf(
        _ samples: [WeatherSample], asOfMs: Int64? = nil, trendWindowMs: Int64 = WeatherConditions.trendWindowMs
    ) -> WeatherConditions? {
        let known = samples.filter { sample in asOfMs.map { sample.timeMs <= $0 } ?? true }.sorted {
            $0.timeMs < $1.timeMs
        }
        guard let newest = known.last else { return nil }
        let trackSensorAbsent = known.allSatisfy { $0.trackTempC == nil || $0.trackTempC == 0 }
        func reading(_ value: Double?) -> Double? { value.flatMap { $0 <= -999 ? nil : $0 } }
        func track(_ sample: WeatherSample) -> Double? { trackSensorAbsent ? nil : reading(sample.trackTempC) }
        func latest(_ field: (WeatherSample) -> Double?) -> Double? {
            known.reversed().lazy.compactMap(field).first
        }
        func trend(_ field: (WeatherSample) -> Double?) -> Double? {
            let start = newest.timeMs - trendWindowMs
            let points = known.filter { $0.timeMs >= start }.compactMap { sample in
                field(sample).map { (x: Double(sample.timeMs - start) / 3_600_000, y: $0) }
            }
            guard Set(points.map(\.x)).count >= 2 else { return nil }
            return Statistics.slope(points)
        }

        return WeatherConditions(
            timeMs: newest.timeMs, samples: known.count, airTempC: latest { reading($0.airTempC) },
            trackTempC: latest(track), humidityPct: latest { reading($0.humidityPct) },
            pressureHPa: latest { reading($0.pressureHPa) }, windSpeedKph: latest { reading($0.windSpeedKph) },
            windDirectionDeg: latest { reading($0.windDirectionDeg) }, raining: newest.rain,
            rainSeen: known.contains { $0.rain }, airTempTrendCPerHour: trend { reading($0.airTempC) },
            trackTempTrendCPerHour: trend(track))
    }
}

extension WeatherConditions {
    /// Conditions with no reading, trend or rain yet; the decoder and the store set the rest.
    public init(timeMs: Int64, samples: Int) {
        self.init(
            timeMs: timeMs, samples: samples, airTempC: nil, trackTempC: nil, humidityPct: nil, pressureHPa: nil,
            windSpeedKph: nil, windDirectionDeg: nil, raining: false, rainSeen: false, airTempTrendCPerHour: nil,
            trackTempTrendCPerHour: nil)
    }
}
