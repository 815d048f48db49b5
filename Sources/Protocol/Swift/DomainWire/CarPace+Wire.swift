import RaceDomain
import RoadSenseWireC

/// `CarPace` on the wire: unknown times are 0, unknown sector deltas and consistency -1 (0 is a real
/// value for both), an unknown car number -1, a missing top speed NaN.
extension CarPace: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__CarPace> {
        CMessageCodec(
            roadsense__v1__car_pace__init, roadsense__v1__car_pace__get_packed_size, roadsense__v1__car_pace__pack,
            roadsense__v1__car_pace__unpack, roadsense__v1__car_pace__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__CarPace, in arena: WireArena) {
        message.car_key = arena.string(carKey)
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.laps_completed = WireScalar.int32(lapsCompleted)
        message.best_lap_ms = WireScalar.int64(bestLapMs)
        message.best_lap_number = WireScalar.int32(bestLapNumber, unknown: 0)
        message.best_s1_ms = WireScalar.int64(bestS1Ms)
        message.best_s2_ms = WireScalar.int64(bestS2Ms)
        message.best_s3_ms = WireScalar.int64(bestS3Ms)
        message.theoretical_best_ms = WireScalar.int64(theoreticalBestMs)

        message.s1_delta_ms = WireScalar.int64(s1DeltaMs, unknown: -1)
        message.s2_delta_ms = WireScalar.int64(s2DeltaMs, unknown: -1)
        message.s3_delta_ms = WireScalar.int64(s3DeltaMs, unknown: -1)
        message.clean_laps = WireScalar.int32(cleanLaps)
        message.mean_clean_lap_ms = WireScalar.int64(meanCleanLapMs)
        message.consistency_ms = WireScalar.int64(consistencyMs, unknown: -1)
        message.top_speed_kph = WireScalar.double(topSpeedKph)
        message.green_laps = WireScalar.int32(greenLaps)
        message.caution_laps = WireScalar.int32(cautionLaps)
        message.n_pit_laps = pitLaps.count
        message.pit_laps = arena.int32s(pitLaps.map { Int32(clamping: $0) })
    }

    init(unpacked message: Roadsense__V1__CarPace) throws {
        self.init(carKey: WireReader.string(message.car_key), laps: [])
        vehicleID = WireReader.string(message.vehicle_id)
        carNumber = WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber)
        lapsCompleted = Int(message.laps_completed)
        bestLapMs = WireScalar.optional(message.best_lap_ms)
        bestLapNumber = WireScalar.optional(message.best_lap_number, unknown: 0)
        bestS1Ms = WireScalar.optional(message.best_s1_ms)
        bestS2Ms = WireScalar.optional(message.best_s2_ms)
        bestS3Ms = WireScalar.optional(message.best_s3_ms)
        theoreticalBestMs = WireScalar.optional(message.theoretical_best_ms)

        s1DeltaMs = WireScalar.optional(message.s1_delta_ms, unknown: -1)
        s2DeltaMs = WireScalar.optional(message.s2_delta_ms, unknown: -1)
        s3DeltaMs = WireScalar.optional(message.s3_delta_ms, unknown: -1)
        cleanLaps = Int(message.clean_laps)
        meanCleanLapMs = WireScalar.optional(message.mean_clean_lap_ms)
        consistencyMs = WireScalar.optional(message.consistency_ms, unknown: -1)
        topSpeedKph = WireScalar.optional(message.top_speed_kph)
        greenLaps = Int(message.green_laps)
        cautionLaps = Int(message.caution_laps)
        pitLaps = WireReader.int32s(message.n_pit_laps, message.pit_laps).map(Int.init)
    }
}
