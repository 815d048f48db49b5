/// How long the store keeps telemetry and resolved alerts (`RaceStore.deleteExpired`).
public struct RetentionPolicy: Sendable, Equatable {
    /// Frames and car states whose `time_ms` is older than this many days go.
    public var telemetryDays: Int
    /// Alerts resolved longer ago than this many days go; unresolved alerts stay however old.
    public var resolvedAlertDays: Int
    /// Rows deleted per transaction: small enough that a writer waits at most one batch.
    public var batchRows: Int

    public init(telemetryDays: Int, resolvedAlertDays: Int, batchRows: Int = 5000) {
        precondition(telemetryDays >= 0 && resolvedAlertDays >= 0 && batchRows > 0, "retention needs days >= 0")
        self.telemetryDays = telemetryDays
        self.resolvedAlertDays = resolvedAlertDays
        self.batchRows = batchRows
    }

    static let dayMs: Int64 = 86_400_000

    func telemetryCutoff(nowMs: Int64) -> Int64 { nowMs - Int64(telemetryDays) * Self.dayMs }
    func alertCutoff(nowMs: Int64) -> Int64 { nowMs - Int64(resolvedAlertDays) * Self.dayMs }
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
