import RaceDomain
import RoadSenseWireC

/// `Alert` on the wire: an unknown car number is -1, a missing value or threshold NaN; a severity outside
/// info...critical (including SEVERITY_UNSPECIFIED) is rejected.
extension Alert: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Alert> {
        CMessageCodec(
            roadsense__v1__alert__init, roadsense__v1__alert__get_packed_size, roadsense__v1__alert__pack,
            roadsense__v1__alert__unpack, roadsense__v1__alert__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Alert, in arena: WireArena) {
        message.alert_id = arena.string(alertID)
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.rule = arena.string(rule)
        message.severity = Roadsense__V1__Severity(rawValue: numericCast(severity.rawValue))
        message.message = arena.string(self.message)
        message.raised_ms = raisedMs
        message.lap = WireScalar.int32(lap)
        message.value = WireScalar.double(value)
        message.threshold = WireScalar.double(threshold)
        message.channel = arena.string(channel)
    }

    init(unpacked message: Roadsense__V1__Alert) throws {
        let rawSeverity = Int(message.severity.rawValue)
        guard let severity = Severity(rawValue: rawSeverity) else {
            throw WireError(.unknownEnumValue, "severity \(rawSeverity)", messageType: Self.wireName)
        }
        self.init(
            alertID: WireReader.string(message.alert_id), vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            rule: WireReader.string(message.rule), severity: severity, message: WireReader.string(message.message),
            raisedMs: message.raised_ms, lap: Int(message.lap), value: WireScalar.optional(message.value),
            threshold: WireScalar.optional(message.threshold), channel: WireReader.string(message.channel))
    }
}
