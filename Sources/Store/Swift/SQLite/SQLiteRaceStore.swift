import Foundation
import RaceDomain

/// The SQLite store: one file, WAL, busy timeout, every write in an IMMEDIATE transaction so several
/// processes (host and plugins) can write to it at once without "database is locked" failures.
public final class SQLiteRaceStore: RaceStore {
    public let location: StoreLocation
    public internal(set) var rowsWritten = 0
    let db: SQLiteConnection

    /// Leader locks held by this handle: name → the open lock file.
    var leaderLocks: [String: Int32] = [:]

    /// `busyTimeoutMs`: how long a write waits for another connection's lock before it fails with `busy`.
    public init(path: String, migrate: Bool = true, cacheKiB: Int = 32_768, busyTimeoutMs: Int = 10_000) throws {
        location = .sqlite(path: path)
        db = try SQLiteConnection(path: path, busyTimeoutMs: Int32(clamping: busyTimeoutMs), cacheKiB: cacheKiB)
        try db.execute(StoreSchema.createMigrationsTable, name: "create_schema_migrations")
        if migrate { try self.migrate(upTo: nil) }
    }

    deinit {
        for fd in leaderLocks.values { close(fd) }
    }

    public func appliedMigrations() throws -> [Int] {
        var applied: [Int] = []
        try db.statement("applied_versions", "SELECT version FROM schema_migrations ORDER BY version").query { row in
            applied.append(row.int(0) ?? 0)
        }
        return applied
    }

    /// Applies every migration not yet recorded (up to `version`), all in one IMMEDIATE transaction: a
    /// second process starting at the same moment waits for the lock, then finds them applied.
    @discardableResult
    public func migrate(upTo version: Int?) throws -> [Int] {
        try db.transaction {
            let applied = Set(try appliedMigrations())
            var done: [Int] = []
            for migration in StoreSchema.migrations
            where !applied.contains(migration.version) && migration.version <= (version ?? Int.max) {
                do {
                    try db.execute(migration.sqlite, name: "migration_\(migration.version)")
                } catch let error as StoreError {
                    throw StoreError(
                        code: .migrationFailed,
                        reason: "migration \(migration.version) (\(migration.name)): " + error.reason,
                        location: error.location)
                }
                try db.statement(
                    "record_migration", "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)"
                ).bind([.integer(Int64(migration.version)), .text(migration.name), .integer(Self.nowMs())]).run()
                done.append(migration.version)
            }
            return done
        }
    }

    public func batch(_ body: () throws -> Void) throws { try db.transaction(lazy: true, body) }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Runs one upsert statement per item inside a single transaction.
    func upsert<T>(_ items: [T], name: String, sql: String, values: (T) -> [StoreValue?]) throws {
        guard !items.isEmpty else { return }
        let write = {
            let statement = try self.db.statement(name, sql)
            for item in items {
                try statement.bind(values(item)).run()
                self.rowsWritten += self.db.changes
            }
        }
        // One statement is atomic by itself: no savepoint needed inside an open batch.
        if items.count == 1 { try db.singleStatement(write) } else { try db.transaction(write) }
    }

    public func upsertCarStates(_ states: [CarState]) throws {
        try upsert(
            states, name: "upsert_car_state",
            sql: """
                INSERT OR REPLACE INTO car_states (\(StoreRows.carStateColumns))
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """,
            values: StoreRows.carState
        )
    }

    public func upsertLaps(_ laps: [LapRecord]) throws {
        try upsert(
            laps, name: "upsert_lap",
            sql: """
                INSERT OR REPLACE INTO laps (\(StoreRows.lapColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """,
            values: StoreRows.lap
        )
    }

    public func upsertWeather(_ samples: [WeatherSample]) throws {
        try upsert(
            samples, name: "upsert_weather",
            sql: """
                INSERT OR REPLACE INTO weather (\(StoreRows.weatherColumns)) VALUES (?,?,?,?,?,?,?,?)
                """,
            values: StoreRows.weather
        )
    }

    public func upsertPredictions(_ predictions: [StrategyPrediction]) throws {
        try upsert(
            predictions, name: "upsert_prediction",
            sql: """
                INSERT OR REPLACE INTO predictions (\(StoreRows.predictionColumns))
                VALUES (\(StoreRows.predictionPlaceholders(numbered: false)))
                """,
            values: StoreRows.prediction
        )
    }

    /// An alert seen again keeps its first-raised time, takes the higher severity and counts the sighting.
    public func upsertAlerts(_ alerts: [Alert]) throws {
        try upsert(
            alerts, name: "upsert_alert",
            sql: """
                INSERT INTO alerts (\(StoreRows.alertColumns), times_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)
                ON CONFLICT (alert_id) DO UPDATE SET severity=max(severity, excluded.severity),
                  message=excluded.message, last_raised_ms=excluded.last_raised_ms, times_seen=times_seen+1,
                  value=excluded.value, resolved_ms=NULL
                """,
            values: StoreRows.alert
        )
    }
}
