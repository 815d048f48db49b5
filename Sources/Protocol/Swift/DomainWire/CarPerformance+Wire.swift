import RaceDomain
import RoadSenseWireC

/// `CarPerformance` on the wire: unknown lap times, lap number and position are 0, an unknown car number
/// -1, a missing top speed NaN; no pace or gap figures are absent submessages.
extension CarPerformance: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__CarPerformance> {
        CMessageCodec(
            roadsense__v1__car_performance__init, roadsense__v1__car_performance__get_packed_size,
            roadsense__v1__car_performance__pack,
            roadsense__v1__car_performance__unpack, roadsense__v1__car_performance__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__CarPerformance, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.laps_completed = WireScalar.int32(lapsCompleted)
        message.best_lap_ms = WireScalar.int64(bestLapMs)
        message.best_lap_number = WireScalar.int32(bestLapNumber, unknown: 0)
        message.theoretical_best_ms = WireScalar.int64(theoreticalBestMs)
        message.top_speed_kph = WireScalar.double(topSpeedKph)
        message.median_green_lap_ms = WireScalar.int64(medianGreenLapMs)
        message.position = WireScalar.int32(position, unknown: 0)
        message.pace = pace.map { arena.message($0) }
        message.gap = gap.map { arena.message($0) }
    }

    init(unpacked message: Roadsense__V1__CarPerformance) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            lapsCompleted: Int(message.laps_completed), bestLapMs: WireScalar.optional(message.best_lap_ms),
            bestLapNumber: WireScalar.optional(message.best_lap_number, unknown: 0),
            theoreticalBestMs: WireScalar.optional(message.theoretical_best_ms),
            topSpeedKph: WireScalar.optional(message.top_speed_kph),
            medianGreenLapMs: WireScalar.optional(message.median_green_lap_ms),
            position: WireScalar.optional(message.position, unknown: 0), pace: try WireReader.message(message.pace),
            gap: try WireReader.message(message.gap))
    }
}
