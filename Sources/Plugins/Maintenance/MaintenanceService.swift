import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `maintenance.CleanupTelemetry` and `maintenance.CleanupAlerts`: request `MaintenanceRequest`, response
/// `MaintenanceResult`. Deletes from the store what is older than the retention — car frames and car states
/// (`--set telemetry-retention-hours=H`, default 168 = 7 days), alerts last raised that long ago
/// (`--set alert-retention-hours=H`, default 720 = 30 days) — and says how many rows went. Deleting again
/// deletes nothing, so a retry is harmless.
final class MaintenanceService: PluginService {
    let name = "maintenance"
    let methods = ["maintenance.CleanupTelemetry", "maintenance.CleanupAlerts"]
    private var store: RaceStore?
    private var telemetryRetentionMs: Int64 = 0
    private var alertRetentionMs: Int64 = 0

    func start(options: PluginOptions, logger: Logger) throws {
        store = try openStore(options.store)
        telemetryRetentionMs = Int64(try options.positiveNumber("telemetry-retention-hours", default: 168) * 3_600_000)
        alertRetentionMs = Int64(try options.positiveNumber("alert-retention-hours", default: 720) * 3_600_000)
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try MaintenanceRequest(wire: payload)
        guard let store else { throw PluginError(.failedPrecondition, "the store is not open") }
        switch method {
        case "maintenance.CleanupTelemetry":
            let cutoff = request.nowMs - (request.olderThanMs ?? telemetryRetentionMs)
            let deleted = try run("deleting old telemetry") { try store.deleteTelemetry(before: cutoff) }
            return MaintenanceResult(
                task: "cleanup-telemetry", rowsDeleted: deleted, rowsUpdated: 0, cutoffMs: cutoff,
                summary: "deleted \(deleted) car frames and states older than \(Self.iso(cutoff))"
            ).encoded()
        case "maintenance.CleanupAlerts":
            let cutoff = request.nowMs - (request.olderThanMs ?? alertRetentionMs)
            let deleted = try run("deleting old alerts") { try store.deleteAlerts(lastRaisedBefore: cutoff) }
            return MaintenanceResult(
                task: "cleanup-alerts", rowsDeleted: deleted, rowsUpdated: 0, cutoffMs: cutoff,
                summary: "deleted \(deleted) alerts last raised before \(Self.iso(cutoff))"
            ).encoded()
        default:
            throw PluginError(.unimplemented, "maintenance does not serve \(method)")
        }
    }

    private func run(_ doing: String, _ body: () throws -> Int) throws -> Int {
        do { return try body() } catch { throw PluginError.store(error, doing: doing) }
    }

    static func iso(_ ms: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
    }
}
