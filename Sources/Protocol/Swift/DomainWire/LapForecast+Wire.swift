import RaceDomain
import RoadSenseWireC

/// `LapForecast` on the wire, one of `StrategyPrediction.forecasts`.
extension LapForecast: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__LapForecast> {
        CMessageCodec(
            roadsense__v1__lap_forecast__init, roadsense__v1__lap_forecast__get_packed_size,
            roadsense__v1__lap_forecast__pack, roadsense__v1__lap_forecast__unpack,
            roadsense__v1__lap_forecast__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__LapForecast, in arena: WireArena) {
        message.lap = WireScalar.int32(lap)
        message.horizon = WireScalar.int32(horizon)
        message.mean_ms = meanMs
        message.low_ms = lowMs
        message.high_ms = highMs
    }

    init(unpacked message: Roadsense__V1__LapForecast) throws {
        self.init(
            lap: Int(message.lap), horizon: Int(message.horizon), meanMs: message.mean_ms, lowMs: message.low_ms,
            highMs: message.high_ms)
    }
}
