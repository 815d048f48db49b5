import PluginRuntime
import RaceDomain
import RoadSenseProtocol

/// `analytics.GeneratePerformance` and `analytics.UpdateCompetitors`: request `AnalyticsRequest`, response
/// `AnalyticsReport` (kind `performance` with each car's `CarPace`, or `competitor` with each car's
/// `CompetitorGap`), as of the request's `now`. A thin adapter over the domain's live analytics; stateless, so
/// a retry gives the same report. The host stores the report and publishes it on `analytics.<kind>`.
final class AnalyticsService: PluginService {
    let name = "analytics"
    let methods = ["analytics.GeneratePerformance", "analytics.UpdateCompetitors"]

    func start(options: PluginOptions, logger: Logger) throws {}

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try AnalyticsRequest(wire: payload)
        switch method {
        case "analytics.GeneratePerformance":
            return AnalyticsReport.performance(laps: request.laps, nowMs: request.nowMs).encoded()
        case "analytics.UpdateCompetitors":
            return AnalyticsReport.competitors(laps: request.laps, nowMs: request.nowMs).encoded()
        default:
            throw PluginError(.unimplemented, "analytics does not serve \(method)")
        }
    }
}
