import RoadSenseWireC

/// Request of `weather.Update`.
public struct WeatherRequest: Sendable, Equatable {
    public var nowMs: Int64
    /// How far back the trend looks; nil = the plugin's default (0 on the wire).
    public var windowMs: Int64?

    public init(nowMs: Int64, windowMs: Int64? = nil) {
        self.nowMs = nowMs
        self.windowMs = windowMs
    }
}

extension WeatherRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__WeatherRequest> {
        CMessageCodec(
            roadsense__v1__weather_request__init, roadsense__v1__weather_request__get_packed_size,
            roadsense__v1__weather_request__pack, roadsense__v1__weather_request__unpack,
            roadsense__v1__weather_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__WeatherRequest, in arena: WireArena) {
        message.now_ms = nowMs
        message.window_ms = WireScalar.int64(windowMs)
    }

    init(unpacked message: Roadsense__V1__WeatherRequest) throws {
        self.init(nowMs: message.now_ms, windowMs: WireScalar.optional(message.window_ms))
    }
}
