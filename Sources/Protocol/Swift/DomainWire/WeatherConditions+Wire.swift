import RaceDomain
import RoadSenseWireC

/// `WeatherConditions` on the wire: missing readings and trends are NaN.
extension WeatherConditions: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__WeatherConditions> {
        CMessageCodec(
            roadsense__v1__weather_conditions__init, roadsense__v1__weather_conditions__get_packed_size,
            roadsense__v1__weather_conditions__pack,
            roadsense__v1__weather_conditions__unpack, roadsense__v1__weather_conditions__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__WeatherConditions, in arena: WireArena) {
        message.time_ms = timeMs
        message.samples = WireScalar.uint32(samples)
        message.air_temp_c = WireScalar.double(airTempC)
        message.track_temp_c = WireScalar.double(trackTempC)
        message.humidity_pct = WireScalar.double(humidityPct)
        message.pressure_hpa = WireScalar.double(pressureHPa)
        message.wind_speed_kph = WireScalar.double(windSpeedKph)
        message.wind_direction_deg = WireScalar.double(windDirectionDeg)
        message.raining = WireScalar.bool(raining)
        message.rain_seen = WireScalar.bool(rainSeen)
        message.air_trend_c_per_hour = WireScalar.double(airTempTrendCPerHour)
        message.track_trend_c_per_hour = WireScalar.double(trackTempTrendCPerHour)
    }

    init(unpacked message: Roadsense__V1__WeatherConditions) throws {
        self.init(timeMs: message.time_ms, samples: Int(message.samples))
        airTempC = WireScalar.optional(message.air_temp_c)
        trackTempC = WireScalar.optional(message.track_temp_c)
        humidityPct = WireScalar.optional(message.humidity_pct)
        pressureHPa = WireScalar.optional(message.pressure_hpa)
        windSpeedKph = WireScalar.optional(message.wind_speed_kph)
        windDirectionDeg = WireScalar.optional(message.wind_direction_deg)

        raining = message.raining != 0
        rainSeen = message.rain_seen != 0
        airTempTrendCPerHour = WireScalar.optional(message.air_trend_c_per_hour)
        trackTempTrendCPerHour = WireScalar.optional(message.track_trend_c_per_hour)
    }
}
