import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `maintenance.CleanupTelemetry` and `maintenance.CleanupAlerts`: request `MaintenanceRequest`, response
/// `MaintenanceResult`. Both run the store's retention (`RaceStore.deleteExpired`), which deletes in short
/// transactions of `--set retention-batch-rows=N` rows (default 5000), car by car, so the writers of new
/// telemetry wait at most one batch:
///
/// - CleanupTelemetry: car frames and car states older than `--set telemetry-retention-days=N` (default 7).
/// - CleanupAlerts: alerts that are finished — resolved, or acknowledged by a person or the stale-alert job —
///   and were last raised more than `--set alert-retention-days=M` days ago (default 30). Open alerts stay
///   however old.
///
/// The result counts what went by kind and the transactions it took. Deleting again deletes nothing, so a
/// retry is harmless. `MaintenanceRequest.older_than_ms` overrides the age for one call.
final class MaintenanceService: PluginService {
    let name = "maintenance"
    let methods = ["maintenance.CleanupTelemetry", "maintenance.CleanupAlerts"]
    private var stores: PluginStore?
    private var telemetryAgeMs: Int64 = 0
    private var alertAgeMs: Int64 = 0
    private var batchRows = 5000

    func start(options: PluginOptions, logger: Logger) throws {
        stores = try PluginStore(options.store)
        telemetryAgeMs = Int64(try options.positiveNumber("telemetry-retention-days", default: 7) * 86_400_000)
        alertAgeMs = Int64(try options.positiveNumber("alert-retention-days", default: 30) * 86_400_000)
        let rows = try options.positiveNumber("retention-batch-rows", default: 5000)
        guard rows >= 1, rows == rows.rounded() else {
            throw PluginUsageError("--set retention-batch-rows=\(rows): must be a whole number of rows, at least 1")
        }
        batchRows = Int(rows)
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try MaintenanceRequest(wire: payload)
        guard let store = try stores?.get() else { throw PluginError(.failedPrecondition, "the store is not open") }
        switch method {
        case "maintenance.CleanupTelemetry":
            let age = request.olderThanMs ?? telemetryAgeMs
            let policy = RetentionPolicy(telemetryMaxAgeMs: age, alertMaxAgeMs: nil, batchRows: batchRows)
            let counts = try run("deleting old telemetry") { try store.deleteExpired(policy, nowMs: request.nowMs) }
            let cutoff = request.nowMs - age
            return MaintenanceResult(
                task: "cleanup-telemetry", rowsDeleted: counts.frames + counts.carStates, rowsUpdated: 0,
                cutoffMs: cutoff,
                summary: "deleted \(counts.frames) car frames and \(counts.carStates) car states older than "
                    + "\(Self.iso(cutoff)) in \(counts.batches) batches of at most \(batchRows) rows",
                framesDeleted: counts.frames, carStatesDeleted: counts.carStates, batches: counts.batches
            ).encoded()
        case "maintenance.CleanupAlerts":
            let age = request.olderThanMs ?? alertAgeMs
            let policy = RetentionPolicy(telemetryMaxAgeMs: nil, alertMaxAgeMs: age, batchRows: batchRows)
            let counts = try run("deleting old alerts") { try store.deleteExpired(policy, nowMs: request.nowMs) }
            let cutoff = request.nowMs - age
            return MaintenanceResult(
                task: "cleanup-alerts", rowsDeleted: counts.alerts, rowsUpdated: 0, cutoffMs: cutoff,
                summary: "deleted \(counts.alerts) resolved or acknowledged alerts last raised before "
                    + "\(Self.iso(cutoff)) in \(counts.batches) batches; open alerts are kept",
                alertsDeleted: counts.alerts, batches: counts.batches
            ).encoded()
        default:
            throw PluginError(.unimplemented, "maintenance does not serve \(method)")
        }
    }

    private func run<T>(_ doing: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw PluginError.store(error, doing: doing) }
    }

    static func iso(_ ms: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
    }
}
