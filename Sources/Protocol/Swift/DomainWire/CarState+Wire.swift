import RaceDomain
import RoadSenseWireC

/// `CarState` on the wire: lap times and position of 0 mean none/unknown; the frame is required.
extension CarState: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__CarState> {
        CMessageCodec(
            roadsense__v1__car_state__init, roadsense__v1__car_state__get_packed_size, roadsense__v1__car_state__pack,
            roadsense__v1__car_state__unpack, roadsense__v1__car_state__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__CarState, in arena: WireArena) {
        message.frame = arena.message(frame)
        message.samples = WireScalar.uint32(samples)
        message.last_lap_ms = WireScalar.int64(lastLapMs)
        message.best_lap_ms = WireScalar.int64(bestLapMs)
        message.position = WireScalar.int32(position, unknown: 0)
        message.laps_completed = WireScalar.int32(lapsCompleted)
        message.max_speed_kph = WireScalar.double(maxSpeedKph)
        message.finished = finished ? 1 : 0
    }

    init(unpacked message: Roadsense__V1__CarState) throws {
        self.init(
            frame: try WireReader.required(message.frame, field: "frame", of: Self.wireName),
            samples: Int(message.samples), lastLapMs: WireScalar.optional(message.last_lap_ms),
            bestLapMs: WireScalar.optional(message.best_lap_ms),
            position: WireScalar.optional(message.position, unknown: 0), lapsCompleted: Int(message.laps_completed),
            maxSpeedKph: WireScalar.optional(message.max_speed_kph), finished: message.finished != 0)
    }
}
