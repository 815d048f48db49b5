import RaceDomain
import RoadSenseWireC

/// `AnalyticsReport` on the wire: no weather or conditions is an absent submessage.
extension AnalyticsReport: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__AnalyticsReport> {
        CMessageCodec(
            roadsense__v1__analytics_report__init, roadsense__v1__analytics_report__get_packed_size,
            roadsense__v1__analytics_report__pack,
            roadsense__v1__analytics_report__unpack, roadsense__v1__analytics_report__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__AnalyticsReport, in arena: WireArena) {
        message.kind = arena.string(kind)
        message.generated_ms = generatedMs
        message.n_cars = cars.count
        message.cars = arena.messages(cars)
        message.weather = weather.map { arena.message($0) }
        message.summary = arena.string(summary)
        message.conditions = conditions.map { arena.message($0) }
    }

    init(unpacked message: Roadsense__V1__AnalyticsReport) throws {
        self.init(
            kind: WireReader.string(message.kind), generatedMs: message.generated_ms,
            cars: try WireReader.messages(message.n_cars, message.cars),
            weather: try WireReader.message(message.weather),
            summary: WireReader.string(message.summary), conditions: try WireReader.message(message.conditions))
    }
}
