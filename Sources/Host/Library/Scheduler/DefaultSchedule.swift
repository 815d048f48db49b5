import Foundation
import RoadSenseProtocol

/// The built-in beat schedule of issue 5, as data. Configuration can change, disable or add entries.
///
/// Interval entries run on the epoch-aligned grid (`ScheduleSpec.every`), so a 45 s entry fires at the same
/// instants on every host. The two daily cleanups are cron entries in UTC, 03:00 and 03:30, staggered so they
/// do not contend for the store. Missed-run policy: entries with slots an hour or more apart run once on
/// restart (`runOnceNow`) — waiting for the next slot would leave hours of stale data; frequent entries just
/// take their next slot (`skipToNext`), at most 15 minutes away.
public enum DefaultSchedule {
    /// One entry of the default schedule.
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// The plugin method it calls, `service.Method`.
        public var method: String
        public var spec: ScheduleSpec
        public var priority: Priority
        public var missedRunPolicy: ScheduleEntryState.MissedRunPolicy
    }

    public static let entries: [Entry] = [
        Entry(
            name: "process-live-telemetry", method: "telemetry.ProcessLive", spec: .every(10), priority: .high,
            missedRunPolicy: .skipToNext),
        Entry(
            name: "check-alert-conditions", method: "alerts.CheckConditions", spec: .every(45), priority: .high,
            missedRunPolicy: .skipToNext),
        Entry(
            name: "update-strategy-predictions", method: "strategy.UpdatePredictions", spec: .every(30),
            priority: .medium, missedRunPolicy: .skipToNext),
        Entry(
            name: "ingest-external-telemetry", method: "ingest.IngestExternal", spec: .every(2 * 60),
            priority: .medium, missedRunPolicy: .skipToNext),
        Entry(
            name: "generate-performance-analytics", method: "analytics.GeneratePerformance", spec: .every(3 * 60),
            priority: .medium, missedRunPolicy: .skipToNext),
        Entry(
            name: "update-weather-data", method: "weather.Update", spec: .every(5 * 60), priority: .medium,
            missedRunPolicy: .skipToNext),
        Entry(
            name: "update-competitor-analysis", method: "analytics.UpdateCompetitors", spec: .every(10 * 60),
            priority: .medium, missedRunPolicy: .skipToNext),
        Entry(
            name: "run-batch-simulations", method: "simulation.RunBatch", spec: .every(15 * 60), priority: .low,
            missedRunPolicy: .skipToNext),
        Entry(
            name: "cleanup-old-telemetry", method: "maintenance.CleanupTelemetry", spec: daily("0 3 * * *"),
            priority: .low, missedRunPolicy: .runOnceNow),
        Entry(
            name: "cleanup-old-alerts", method: "maintenance.CleanupAlerts", spec: daily("30 3 * * *"),
            priority: .low, missedRunPolicy: .runOnceNow),
        Entry(
            name: "acknowledge-stale-alerts", method: "alerts.AcknowledgeStale", spec: .every(4 * 3600),
            priority: .low, missedRunPolicy: .runOnceNow),
    ]

    /// A daily cron entry in UTC; `expression` is a literal checked by the tests.
    private static func daily(_ expression: String) -> ScheduleSpec {
        do {
            return .cron(try CronExpression(expression), TimeZone(identifier: "UTC")!)
        } catch {
            preconditionFailure("built-in cron expression \"\(expression)\" does not parse: \(error)")
        }
    }
}
