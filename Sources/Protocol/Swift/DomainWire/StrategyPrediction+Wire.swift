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
            rationale: WireReader.string(message.rationale))
    }
}
