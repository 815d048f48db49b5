import RaceDomain

/// The store interface the host and the plugins use, implemented by SQLite and by PostgreSQL and held to
/// the same behaviour by one conformance suite (Tests/HostTests/StoreConformanceTests.swift). Every write
/// is an upsert by natural key, so a redelivered call never duplicates a stored result. A handle is
/// confined to one thread at a time; every call blocks (database I/O), so callers keep it off Swift's
/// cooperative pool.
public protocol RaceStore: AnyObject {
    var location: StoreLocation { get }
    /// Rows inserted or updated through this handle since it was opened.
    var rowsWritten: Int { get }

    /// Runs `body` as one transaction: the writes inside commit together (one commit instead of many).
    func batch(_ body: () throws -> Void) throws

    /// Telemetry frames, by (vehicle, ECU time). Large batches go in bulk: one transaction on SQLite, COPY
    /// on PostgreSQL.
    func upsertFrames(_ frames: [CarFrame]) throws
    func upsertCarStates(_ states: [CarState]) throws
    func upsertLaps(_ laps: [LapRecord]) throws
    func upsertWeather(_ samples: [WeatherSample]) throws
    func upsertPredictions(_ predictions: [StrategyPrediction]) throws
    /// An alert seen again keeps its first-raised time, takes the higher severity, counts the sighting and
    /// is no longer resolved.
    func upsertAlerts(_ alerts: [Alert]) throws
    /// Marks an alert resolved at `nowMs` (retention deletes resolved alerts); false if no such alert.
    func resolveAlert(id: String, nowMs: Int64) throws -> Bool
    /// Inserts the call, or updates its state (the payload is written only on insert).
    func recordCall(_ call: CallRecord) throws
    /// Calls still `queued` or `running` (with payloads): what a restarting host must finish.
    func unfinishedCalls() throws -> [CallRecord]
    /// Takes ownership of queued calls that no host owns yet (submitted or retried from outside). Two hosts
    /// claiming at once never both get the same call.
    func claimUnownedCalls(owner: String) throws -> [CallRecord]
    func call(id: String) throws -> CallRecord?
    /// Marks the call failed and files it in `dead_letters` with every attempt's error, in one transaction.
    func deadLetter(_ call: CallRecord, nowMs: Int64) throws
    func deadLetters() throws -> [DeadLetter]
    /// Moves a dead letter back to the queue as a fresh call (attempt 1, unowned); false if no such id.
    func retryDeadLetter(id: String, nowMs: Int64) throws -> Bool
    /// Deletes every dead letter; returns how many.
    func purgeDeadLetters() throws -> Int

    /// Deletes telemetry (frames and car states) and finished (resolved or acknowledged) alerts older than
    /// the policy allows, in short transactions of `policy.batchRows` rows so writers wait at most one batch.
    /// Open alerts stay however old.
    func deleteExpired(_ policy: RetentionPolicy, nowMs: Int64) throws -> RetentionCounts

    /// Takes the named cluster-wide lock without waiting (the scheduler's single leader): an advisory lock
    /// on PostgreSQL, an exclusive `flock` on a file beside the database on SQLite. True if this handle now
    /// holds it (also when it already did); the lock goes with the handle or its process.
    func tryAcquireLeaderLock(_ name: String) throws -> Bool
    func releaseLeaderLock(_ name: String) throws

    func count(_ table: StoreTable) throws -> Int
    func laps(carKey: String) throws -> [LapRecord]
    /// One vehicle's frames with `fromMs <= time_ms < toMs`, oldest first.
    func frames(vehicleID: String, fromMs: Int64, toMs: Int64) throws -> [CarFrame]
    func latestCarStates() throws -> [CarState]
    func latestPredictions() throws -> [StrategyPrediction]
    func weather() throws -> [WeatherSample]
    func alerts() throws -> [Alert]
    func calls(state: CallRecord.State?) throws -> [CallRecord]

    // Schedule state (issue #5). The active scheduler saves an entry's record in the transaction that
    // enqueues the call it fired; a scheduler taking over reads them all before it fires anything.
    func scheduleRecords() throws -> [ScheduleRecord]
    /// Inserts or replaces the record of `record.entry`.
    func saveScheduleRecord(_ record: ScheduleRecord) throws
    /// A new handle on the scheduler leadership of this store (not yet acquired).
    func schedulerLeadership() -> SchedulerLeadership

    // Acknowledgement (the stale-alert job; retention is `deleteExpired`); each returns the rows it changed.
    /// Marks acknowledged (at `nowMs`) the unacknowledged alerts last raised before `timeMs`.
    func acknowledgeAlerts(lastRaisedBefore timeMs: Int64, nowMs: Int64) throws -> Int
    /// Alerts acknowledged so far (alert id → when).
    func acknowledgedAlerts() throws -> [String: Int64]
    /// Stored alerts with their history, most recently raised first; `openOnly`: not acknowledged; `carNumber`:
    /// that car's only.
    func alertRecords(openOnly: Bool, carNumber: Int?) throws -> [AlertRecord]
    /// Marks one alert acknowledged at `nowMs` (an earlier acknowledgement keeps its time) with `note` (nil keeps
    /// the note it has); false when no alert has that id.
    func acknowledgeAlert(id: String, note: String?, nowMs: Int64) throws -> Bool
    /// Car frames received (`time_ms`) at or after `timeMs`, by vehicle then car clock: what the alert rules
    /// watch for stuck sensors and brake imbalance.
    func frames(since timeMs: Int64) throws -> [CarFrame]

    // Results of the periodic analytics, weather and simulation jobs, keyed by kind and time.
    func upsertReport(_ report: AnalyticsReport) throws
    func latestReport(kind: String) throws -> AnalyticsReport?
    func upsertSimulation(_ batch: SimulationBatch) throws
    func latestSimulation() throws -> SimulationBatch?
    /// Weather samples at or after `timeMs`, oldest first.
    func weather(since timeMs: Int64) throws -> [WeatherSample]
    /// Laps of every car that crossed the line at or after `timeMs`, by car, source and lap (what a live host's
    /// analytics and simulations read, having no replay feed).
    func laps(since timeMs: Int64) throws -> [LapRecord]

    // External ingest: how far each external file has been read.
    func ingestCursor(file: String) throws -> IngestCursor?
    func saveIngestCursor(_ cursor: IngestCursor) throws
    /// Versions recorded in `schema_migrations`, ascending.
    func appliedMigrations() throws -> [Int]
    /// Applies the migrations not yet applied, up to `version` (all when nil); returns the versions applied.
    @discardableResult func migrate(upTo version: Int?) throws -> [Int]
}

public enum StoreTable: String, CaseIterable, Sendable {
    case carFrames = "car_frames"
    case carStates = "car_states"
    case laps
    case weather
    case predictions
    case alerts
    case calls
    case deadLetters = "dead_letters"
    case scheduleEntries = "schedule_entries"
    case reports
    case simulations
    case ingestCursors = "ingest_cursors"
}

/// Opens the store named by `location`, applying migrations unless `migrate` is false
/// (`roadsense migrate --dry-run` looks before it leaps).
public func openStore(
    _ location: StoreLocation, migrate: Bool = true, sqliteCacheKiB: Int = 32_768, sqliteBusyTimeoutMs: Int = 10_000
) throws -> RaceStore {
    switch location {
    case .sqlite(let path):
        try SQLiteRaceStore(path: path, migrate: migrate, cacheKiB: sqliteCacheKiB, busyTimeoutMs: sqliteBusyTimeoutMs)
    case .postgres(let url): try PostgresRaceStore(url: url, migrate: migrate)
    }
}

/// Every migration the code knows: version and name, oldest first.
public var knownMigrations: [(version: Int, name: String)] { StoreSchema.migrations.map { ($0.version, $0.name) } }
