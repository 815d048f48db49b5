import RaceDomain
import RoadSenseWireC

/// `StrategyPrediction` on the wire: no pit window is 0, a missing standard error NaN, an unknown car
/// number -1.
extension StrategyPrediction: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__StrategyPrediction> {
        CMessageCodec(
            roadsense__v1__strategy_prediction__init, roadsense__v1__strategy_prediction__get_packed_size,
            roadsense__v1__strategy_prediction__pack,
            roadsense__v1__strategy_prediction__unpack, roadsense__v1__strategy_prediction__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__StrategyPrediction, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.computed_ms = computedMs
        message.laps_completed = WireScalar.int32(lapsCompleted)
        message.laps_remaining = WireScalar.int32(lapsRemaining)
        message.degradation_ms_per_lap = degradationMsPerLap
        message.degradation_stderr = WireScalar.double(degradationStderr)
        message.predicted_next_lap_ms = predictedNextLapMs
        message.pit_window_open_lap = WireScalar.int32(pitWindowOpenLap, unknown: 0)
        message.pit_window_close_lap = WireScalar.int32(pitWindowCloseLap, unknown: 0)
        message.confidence = confidence
        message.clean_laps = WireScalar.int32(cleanLaps)
        message.model = arena.string(model)
        message.rationale = arena.string(rationale)
        message.next_lap_low_ms = WireScalar.double(nextLapLowMs)
        message.next_lap_high_ms = WireScalar.double(nextLapHighMs)
        message.n_forecasts = forecasts.count
        message.forecasts = arena.messages(forecasts)
        message.tyre_age_laps = WireScalar.int32(tyreAgeLaps)
        message.pit_loss_ms = WireScalar.double(pitLossMs)
        message.pit_loss_stops = WireScalar.uint32(pitLossStops)
        message.caution_pit_loss_ms = WireScalar.double(cautionPitLossMs)
        message.best_stop = bestStop.map { arena.message($0) }
        message.best_stop_under_caution = bestStopUnderCaution.map { arena.message($0) }
        message.caution_window_open_lap = WireScalar.int32(cautionWindowOpenLap, unknown: 0)
        message.caution_window_close_lap = WireScalar.int32(cautionWindowCloseLap, unknown: 0)
    }

    init(unpacked message: Roadsense__V1__StrategyPrediction) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            computedMs: message.computed_ms, lapsCompleted: Int(message.laps_completed),
            lapsRemaining: Int(message.laps_remaining), degradationMsPerLap: message.degradation_ms_per_lap,
            degradationStderr: WireScalar.optional(message.degradation_stderr),
            predictedNextLapMs: message.predicted_next_lap_ms,
            pitWindowOpenLap: WireScalar.optional(message.pit_window_open_lap, unknown: 0),
            pitWindowCloseLap: WireScalar.optional(message.pit_window_close_lap, unknown: 0),
            confidence: message.confidence, cleanLaps: Int(message.clean_laps), model: WireReader.string(message.model),
            rationale: WireReader.string(message.rationale),
            nextLapLowMs: WireScalar.optional(message.next_lap_low_ms),
            nextLapHighMs: WireScalar.optional(message.next_lap_high_ms),
            forecasts: try WireReader.messages(message.n_forecasts, message.forecasts),
            tyreAgeLaps: Int(message.tyre_age_laps), pitLossMs: WireScalar.optional(message.pit_loss_ms),
            pitLossStops: Int(message.pit_loss_stops),
            cautionPitLossMs: WireScalar.optional(message.caution_pit_loss_ms),
            bestStop: try WireReader.message(message.best_stop),
            bestStopUnderCaution: try WireReader.message(message.best_stop_under_caution),
            cautionWindowOpenLap: WireScalar.optional(message.caution_window_open_lap, unknown: 0),
            cautionWindowCloseLap: WireScalar.optional(message.caution_window_close_lap, unknown: 0))
    }
}
