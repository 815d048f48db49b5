import RaceDomain
import RoadSenseWireC

/// `WeatherSample` on the wire: missing readings are NaN.
extension WeatherSample: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__WeatherSample> {
        CMessageCodec(
            roadsense__v1__weather_sample__init, roadsense__v1__weather_sample__get_packed_size,
            roadsense__v1__weather_sample__pack,
            roadsense__v1__weather_sample__unpack, roadsense__v1__weather_sample__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__WeatherSample, in arena: WireArena) {
        message.time_ms = timeMs
        message.air_temp_c = WireScalar.double(airTempC)
        message.track_temp_c = WireScalar.double(trackTempC)
        message.humidity_pct = WireScalar.double(humidityPct)
        message.pressure_hpa = WireScalar.double(pressureHPa)
        message.wind_speed_kph = WireScalar.double(windSpeedKph)
        message.wind_direction_deg = WireScalar.double(windDirectionDeg)
        message.rain = WireScalar.bool(rain)
    }

    init(unpacked message: Roadsense__V1__WeatherSample) throws {
        self.init(
            timeMs: message.time_ms, airTempC: WireScalar.optional(message.air_temp_c),
            trackTempC: WireScalar.optional(message.track_temp_c),
            humidityPct: WireScalar.optional(message.humidity_pct),
            pressureHPa: WireScalar.optional(message.pressure_hpa),
            windSpeedKph: WireScalar.optional(message.wind_speed_kph),
            windDirectionDeg: WireScalar.optional(message.wind_direction_deg), rain: message.rain != 0)
    }
}
