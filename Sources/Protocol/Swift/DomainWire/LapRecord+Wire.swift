import RaceDomain
import RoadSenseWireC

/// `LapRecord` on the wire: unknown times are 0, missing speeds NaN, an unknown car number -1;
/// `source` is the raw value of `LapRecord.Source` and any other string is rejected.
extension LapRecord: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__LapRecord> {
        CMessageCodec(
            roadsense__v1__lap_record__init, roadsense__v1__lap_record__get_packed_size,
            roadsense__v1__lap_record__pack,
            roadsense__v1__lap_record__unpack, roadsense__v1__lap_record__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__LapRecord, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.lap = WireScalar.int32(lap)
        message.lap_time_ms = WireScalar.int64(lapTimeMs)
        message.crossed_ms = crossedMs
        message.s1_ms = WireScalar.int64(s1Ms)
        message.s2_ms = WireScalar.int64(s2Ms)
        message.s3_ms = WireScalar.int64(s3Ms)
        message.top_speed_kph = WireScalar.double(topSpeedKph)
        message.avg_speed_kph = WireScalar.double(avgSpeedKph)
        message.elapsed_ms = WireScalar.int64(elapsedMs)
        message.flag = arena.string(flag)
        message.pit_in = WireScalar.bool(pitIn)
        message.pit_time_ms = WireScalar.int64(pitTimeMs)
        message.source = arena.string(source.rawValue)
    }

    init(unpacked message: Roadsense__V1__LapRecord) throws {
        let sourceName = WireReader.string(message.source)
        guard let source = Source(rawValue: sourceName) else {
            throw WireError(.invalidValue, "unknown source \"\(sourceName)\"", messageType: Self.wireName)
        }
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            lap: Int(message.lap), lapTimeMs: WireScalar.optional(message.lap_time_ms), crossedMs: message.crossed_ms,
            s1Ms: WireScalar.optional(message.s1_ms), s2Ms: WireScalar.optional(message.s2_ms),
            s3Ms: WireScalar.optional(message.s3_ms), topSpeedKph: WireScalar.optional(message.top_speed_kph),
            avgSpeedKph: WireScalar.optional(message.avg_speed_kph), elapsedMs: WireScalar.optional(message.elapsed_ms),
            flag: WireReader.string(message.flag), pitIn: message.pit_in != 0,
            pitTimeMs: WireScalar.optional(message.pit_time_ms), source: source)
    }
}
