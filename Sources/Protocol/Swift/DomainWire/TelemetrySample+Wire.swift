import RaceDomain
import RoadSenseWireC

/// `TelemetrySample` on the wire; `value` is carried as is (NaN stays NaN).
extension TelemetrySample: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__TelemetrySample> {
        CMessageCodec(
            roadsense__v1__telemetry_sample__init, roadsense__v1__telemetry_sample__get_packed_size,
            roadsense__v1__telemetry_sample__pack,
            roadsense__v1__telemetry_sample__unpack, roadsense__v1__telemetry_sample__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__TelemetrySample, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.lap = WireScalar.int32(lap)
        message.meta_time_ms = metaTimeMs
        message.ecu_time_ms = ecuTimeMs
        message.channel = arena.string(channel)
        message.value = value
    }

    init(unpacked message: Roadsense__V1__TelemetrySample) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id), lap: Int(message.lap), metaTimeMs: message.meta_time_ms,
            ecuTimeMs: message.ecu_time_ms, channel: WireReader.string(message.channel), value: message.value)
    }
}
