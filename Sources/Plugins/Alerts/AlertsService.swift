import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `alerts.CheckConditions`: request `AlertRequest`, response `AlertResult`.
/// Alert ids are natural keys, so the host's upsert de-duplicates a condition found again. The rules with memory
/// (hysteresis and hold, each car's last minute of frames, escalation) live in one `AlertMonitor` on this
/// service's work thread; it reads the frames and weather stored since the last check and what the store knows of
/// earlier alerts (first raised, acknowledged). `--set escalate-after-minutes=M` (default 5): a WARNING still
/// raised and not acknowledged that long becomes CRITICAL (docs/alerts.md).
///
/// `alerts.AcknowledgeStale`: request `MaintenanceRequest`, response `MaintenanceResult`. Marks acknowledged
/// the alerts nobody has seen raised again for `--set stale-alert-hours=H` (default 2 h): the condition has
/// cleared, so it should leave the pit wall's open list. Acknowledging again changes nothing.
final class AlertsService: PluginService {
    let name = "alerts"
    let methods = ["alerts.CheckConditions", "alerts.AcknowledgeStale"]
    private var monitor = AlertMonitor()
    private var stores: PluginStore?
    private var staleAfterMs: Int64 = 0
    /// Race time of the previous check: frames stored since then are new to the monitor.
    private var lastCheckMs: Int64?

    func start(options: PluginOptions, logger: Logger) throws {
        staleAfterMs = Int64(try options.positiveNumber("stale-alert-hours", default: 2) * 3_600_000)
        monitor.settings.escalateAfterMs = Int64(
            try options.positiveNumber("escalate-after-minutes", default: 5) * 60_000)
        stores = try PluginStore(options.store)
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        if method == "alerts.AcknowledgeStale" { return try acknowledgeStale(payload) }
        let request = try AlertRequest(wire: payload)
        guard let store = try stores?.get() else { throw PluginError(.failedPrecondition, "the store is not open") }
        let now = request.nowMs
        // The telemetry plugin stores a window's frames up to 10 s after they arrive, so the read goes back a whole
        // history span before the previous check; the monitor skips the frames it already has.
        let framesSince = (lastCheckMs ?? now) - monitor.settings.historyMs
        let input: AlertMonitor.Input
        do {
            input = AlertMonitor.Input(
                states: request.states, laps: request.laps, feeds: request.feeds,
                frames: try store.frames(since: framesSince),
                weather: try store.weather(since: now - monitor.settings.weatherWindowMs),
                known: Dictionary(
                    try store.alertRecords(openOnly: false, carNumber: nil).map { ($0.alert.alertID, $0.status) }
                ) { first, _ in first },
                nowMs: now)
        } catch {
            throw PluginError.store(error, doing: "reading frames, weather and earlier alerts for the alert rules")
        }
        lastCheckMs = now
        return AlertResult(alerts: monitor.check(input)).encoded()
    }

    private func acknowledgeStale(_ payload: [UInt8]) throws -> [UInt8] {
        let request = try MaintenanceRequest(wire: payload)
        guard let store = try stores?.get() else { throw PluginError(.failedPrecondition, "the store is not open") }
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
