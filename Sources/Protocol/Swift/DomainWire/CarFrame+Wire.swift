import RaceDomain
import RoadSenseWireC

/// `CarFrame` on the wire: unknown car number and gear are -1, channels not seen yet are NaN, an unknown ECU
/// time 0.
extension CarFrame: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__CarFrame> {
        CMessageCodec(
            roadsense__v1__car_frame__init, roadsense__v1__car_frame__get_packed_size, roadsense__v1__car_frame__pack,
            roadsense__v1__car_frame__unpack, roadsense__v1__car_frame__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__CarFrame, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.time_ms = timeMs
        message.lap = WireScalar.int32(lap)
        message.lap_distance_m = WireScalar.double(lapDistanceM)
        message.speed_kph = WireScalar.double(speedKph)
        message.throttle_pct = WireScalar.double(throttlePct)
        message.brake_front_bar = WireScalar.double(brakeFrontBar)
        message.brake_rear_bar = WireScalar.double(brakeRearBar)
        message.gear = WireScalar.int32(gear, unknown: -1)
        message.rpm = WireScalar.double(rpm)
        message.accel_long_g = WireScalar.double(accelLongG)
        message.accel_lat_g = WireScalar.double(accelLatG)
        message.steering_deg = WireScalar.double(steeringDeg)
        message.latitude_deg = WireScalar.double(latitudeDeg)
        message.longitude_deg = WireScalar.double(longitudeDeg)
        message.ecu_time_ms = WireScalar.int64(ecuTimeMs)
    }

    init(unpacked message: Roadsense__V1__CarFrame) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            timeMs: message.time_ms, lap: Int(message.lap),
            lapDistanceM: WireScalar.optional(message.lap_distance_m), speedKph: WireScalar.optional(message.speed_kph),
            throttlePct: WireScalar.optional(message.throttle_pct),
            brakeFrontBar: WireScalar.optional(message.brake_front_bar),
            brakeRearBar: WireScalar.optional(message.brake_rear_bar),
            gear: WireScalar.optional(message.gear, unknown: -1),
            rpm: WireScalar.optional(message.rpm), accelLongG: WireScalar.optional(message.accel_long_g),
            accelLatG: WireScalar.optional(message.accel_lat_g), steeringDeg: WireScalar.optional(message.steering_deg),
            latitudeDeg: WireScalar.optional(message.latitude_deg),
            longitudeDeg: WireScalar.optional(message.longitude_deg),
            ecuTimeMs: WireScalar.optional(message.ecu_time_ms))
    }
}
