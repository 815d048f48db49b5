import RaceDomain
import RoadSenseWireC

/// Response of `alerts.CheckConditions`: the alerts currently raised.
public struct AlertResult: Sendable, Equatable {
    public var alerts: [Alert]

    public init(alerts: [Alert]) {
        self.alerts = alerts
    }
}

extension AlertResult: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__AlertResult> {
        CMessageCodec(
            roadsense__v1__alert_result__init, roadsense__v1__alert_result__get_packed_size,
            roadsense__v1__alert_result__pack, roadsense__v1__alert_result__unpack,
            roadsense__v1__alert_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__AlertResult, in arena: WireArena) {
        message.n_alerts = alerts.count
        message.alerts = arena.messages(alerts)
    }

    init(unpacked message: Roadsense__V1__AlertResult) throws {
        self.init(alerts: try WireReader.messages(message.n_alerts, message.alerts))
    }
}
