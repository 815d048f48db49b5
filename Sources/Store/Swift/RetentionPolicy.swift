/// How long the store keeps telemetry and finished alerts (`RaceStore.deleteExpired`).
///
/// An alert is finished when its condition was resolved (`resolveAlert`) or a person — or the stale-alert job
/// — acknowledged it. A finished alert goes once both that and its last sighting are older than the alert age;
/// an open alert (neither resolved nor acknowledged) stays however old, and an alert raised again is kept
/// for another full age.
public struct RetentionPolicy: Sendable, Equatable {
    /// Frames and car states whose `time_ms` is older than this go; nil leaves telemetry alone.
    public var telemetryMaxAgeMs: Int64?
    /// Finished alerts older than this go; nil leaves alerts alone.
    public var alertMaxAgeMs: Int64?
    /// Rows deleted per transaction: small enough that a writer waits at most one batch.
    public var batchRows: Int

    public init(telemetryDays: Int, resolvedAlertDays: Int, batchRows: Int = 5000) {
        precondition(telemetryDays >= 0 && resolvedAlertDays >= 0, "retention needs days >= 0")
        self.init(
            telemetryMaxAgeMs: Int64(telemetryDays) * Self.dayMs, alertMaxAgeMs: Int64(resolvedAlertDays) * Self.dayMs,
            batchRows: batchRows)
    }

    /// Only the kinds given an age are swept (the telemetry cleanup leaves alerts alone, and the other way round).
    public init(telemetryMaxAgeMs: Int64?, alertMaxAgeMs: Int64?, batchRows: Int = 5000) {
        precondition((telemetryMaxAgeMs ?? 0) >= 0 && (alertMaxAgeMs ?? 0) >= 0, "retention needs ages >= 0")
        precondition(batchRows > 0, "retention needs batchRows > 0")
        self.telemetryMaxAgeMs = telemetryMaxAgeMs
        self.alertMaxAgeMs = alertMaxAgeMs
        self.batchRows = batchRows
    }

    public static let dayMs: Int64 = 86_400_000

    /// Telemetry before this instant goes; nil when telemetry is left alone.
    public func telemetryCutoff(nowMs: Int64) -> Int64? { telemetryMaxAgeMs.map { nowMs - $0 } }
    /// Finished alerts before this instant go; nil when alerts are left alone.
    public func alertCutoff(nowMs: Int64) -> Int64? { alertMaxAgeMs.map { nowMs - $0 } }
}

/// What one retention pass deleted.
public struct RetentionCounts: Sendable, Equatable, Codable {
    public var frames: Int
    public var carStates: Int
    public var alerts: Int
    /// Transactions it took (each at most `batchRows` rows of one table).
    public var batches: Int

    public init(frames: Int = 0, carStates: Int = 0, alerts: Int = 0, batches: Int = 0) {
        self.frames = frames
        self.carStates = carStates
        self.alerts = alerts
        self.batches = batches
    }
}

/// The shape of a retention pass over one table keyed by (car, time), shared by both stores: for each car
/// (found by walking the index, not by scanning the table) whose oldest row is past the cut-off, delete
/// in batches until a batch comes back short. Every query runs on the (car, time) index.
struct RetentionSweep {
    /// The smallest key greater than the given one (nil: the smallest), or nil when there is none.
    var nextKey: (String?) throws -> String?
    /// The oldest `time_ms` stored for a key.
    var oldest: (String) throws -> Int64?
    /// Deletes at most `limit` rows of the key older than the cut-off, in its own transaction; returns how many.
    var deleteBatch: (String) throws -> Int

    func run(cutoff: Int64, limit: Int, batches: inout Int) throws -> Int {
        var total = 0
        var key = try nextKey(nil)
        while let current = key {
            if let oldest = try oldest(current), oldest < cutoff {
                while true {
                    let deleted = try deleteBatch(current)
                    batches += 1
                    total += deleted
                    if deleted < limit { break }
                }
            }
            key = try nextKey(current)
        }
        return total
    }
}
