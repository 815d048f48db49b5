import PluginRuntime
import RaceDomain
import RoadSenseProtocol

/// `alerts.CheckConditions`: request `AlertRequest`, response `AlertResult`.
/// Alert ids are natural keys, so the host's upsert de-duplicates a condition found again.
final class AlertsService: PluginService {
    let name = "alerts"
    let methods = ["alerts.CheckConditions"]
    private let rules = AlertRules()

    func start(options: PluginOptions, logger: Logger) throws {}

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try AlertRequest(wire: payload)
        let alerts = rules.evaluate(
            states: request.states, laps: request.laps, feeds: request.feeds, nowMs: request.nowMs)
        return AlertResult(alerts: alerts).encoded()
    }
}
