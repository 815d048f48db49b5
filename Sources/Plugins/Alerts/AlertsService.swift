import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `alerts.CheckConditions`: request `AlertRequest`, response `AlertResult`.
/// Alert ids are natural keys, so the host's upsert de-duplicates a condition found again.
///
/// `alerts.AcknowledgeStale`: request `MaintenanceRequest`, response `MaintenanceResult`. Marks acknowledged
/// the alerts nobody has seen raised again for `--set stale-alert-hours=H` (default 2 h): the condition has
/// cleared, so it should leave the pit wall's open list. Acknowledging again changes nothing.
final class AlertsService: PluginService {
    let name = "alerts"
    let methods = ["alerts.CheckConditions", "alerts.AcknowledgeStale"]
    private let rules = AlertRules()
    private var store: RaceStore?
    private var staleAfterMs: Int64 = 0

    func start(options: PluginOptions, logger: Logger) throws {
        staleAfterMs = Int64(try options.positiveNumber("stale-alert-hours", default: 2) * 3_600_000)
        store = try openStore(options.store)
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        if method == "alerts.AcknowledgeStale" { return try acknowledgeStale(payload) }
        let request = try AlertRequest(wire: payload)
        let alerts = rules.evaluate(
            states: request.states, laps: request.laps, feeds: request.feeds, nowMs: request.nowMs)
        return AlertResult(alerts: alerts).encoded()
    }

    private func acknowledgeStale(_ payload: [UInt8]) throws -> [UInt8] {
        let request = try MaintenanceRequest(wire: payload)
        guard let store else { throw PluginError(.failedPrecondition, "the store is not open") }
        let cutoff = request.nowMs - (request.olderThanMs ?? staleAfterMs)
        let updated: Int
        do {
            updated = try store.acknowledgeAlerts(lastRaisedBefore: cutoff, nowMs: request.nowMs)
        } catch {
            throw PluginError.store(error, doing: "acknowledging stale alerts")
        }
        let since = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(cutoff) / 1000))
        return MaintenanceResult(
            task: "acknowledge-stale-alerts", rowsDeleted: 0, rowsUpdated: updated, cutoffMs: cutoff,
            summary: "acknowledged \(updated) alerts not raised since \(since)"
        ).encoded()
    }
}
