import Foundation
import RaceDomain

/// The PostgreSQL store: the same tables and behaviour as the SQLite store, over a bounded per-process
/// connection pool. Every statement is prepared once per connection and run with bound parameters;
/// telemetry frames go in with binary COPY.
public final class PostgresRaceStore: RaceStore {
    public let location: StoreLocation
    public internal(set) var rowsWritten = 0
    let pool: PostgresPool
    /// The connection a running `batch` holds: every store call inside the batch uses it.
    var pinned: PostgresConnection?
    /// A connection of its own that holds the leader locks (advisory locks belong to a session).
    var lockConnection: PostgresConnection?
    var leaderLocks: Set<String> = []

    public init(url: String, migrate: Bool = true) throws {
        location = .postgres(url: url)
        pool = PostgresPool.shared(url: url, label: location.description)
        if migrate { try self.migrate(upTo: nil) }
    }

    deinit {
        lockConnection?.close()
    }

    /// Runs `body` on the batch's connection, or on one taken from the pool for this call.
    @discardableResult
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        if let pinned { return try body(pinned) }
        let connection = try pool.checkout()
        defer { pool.checkin(connection) }
        return try body(connection)
    }

    /// Runs `body` in one transaction on one connection, pinned for its duration so that every store call
    /// made inside it (a dead letter's `recordCall`, a report's car rows) joins the same transaction.
    @discardableResult
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        if let pinned { return try pinned.transaction { try body(pinned) } }
        let connection = try pool.checkout()
        pinned = connection
        defer {
            pinned = nil
            pool.checkin(connection)
        }
        return try connection.transaction { try body(connection) }
    }

    public func batch(_ body: () throws -> Void) throws {
        if let pinned { return try pinned.transaction(lazy: true, body) }
        let connection = try pool.checkout()
        pinned = connection
        defer {
            pinned = nil
            pool.checkin(connection)
        }
        try connection.transaction(lazy: true, body)
    }

    // MARK: Migrations

    /// Serialises migrating processes: each takes this transaction-scoped advisory lock first.
    static let migrationLockKey: Int64 = 0x5253_6d69_6772  // "RSmigr"

    /// Reads nothing into being: a database never migrated has no versions (`migrate --dry-run` creates nothing).
    public func appliedMigrations() throws -> [Int] {
        try withConnection { try appliedVersions(on: $0) }
    }

    private func appliedVersions(on connection: PostgresConnection) throws -> [Int] {
        var exists = false
        try connection.run("migrations_table_exists", "SELECT to_regclass('schema_migrations') IS NOT NULL") {
            exists = $0.bool(0) ?? false
        }
        guard exists else { return [] }
        var versions: [Int] = []
        try connection.run("applied_versions", "SELECT version FROM schema_migrations ORDER BY version") {
            versions.append($0.int(0) ?? 0)
        }
        return versions
    }

    /// Applies the missing migrations in one transaction under an advisory lock, so two processes
    /// starting at once never both apply one; DDL is transactional, so a failed migration leaves nothing.
    @discardableResult
    public func migrate(upTo version: Int?) throws -> [Int] {
        try transaction { connection in
            try connection.run(
                "migration_lock", "SELECT pg_advisory_xact_lock($1::bigint)", [.integer(Self.migrationLockKey)])
            try connection.execute(StoreSchema.createMigrationsTable, name: "create_schema_migrations")
            let applied = Set(try appliedVersions(on: connection))
            var done: [Int] = []
            for migration in StoreSchema.migrations
            where !applied.contains(migration.version) && migration.version <= (version ?? Int.max) {
                do {
                    try connection.execute(migration.postgres, name: "migration_\(migration.version)")
                } catch let error as StoreError {
                    throw StoreError(
                        code: error.code == .unavailable ? .unavailable : .migrationFailed,
                        reason: "migration \(migration.version) (\(migration.name)): " + error.reason,
                        location: error.location, sqlState: error.sqlState)
                }
                try connection.run(
                    "record_migration", "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
                    [.integer(Int64(migration.version)), .text(migration.name), .integer(Self.nowMs())])
                done.append(migration.version)
            }
            return done
        }
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Upserts

    /// Runs one prepared upsert per item inside a single transaction.
    func upsert<T>(_ items: [T], name: String, sql: String, values: (T) -> [StoreValue?]) throws {
        guard !items.isEmpty else { return }
        try transaction { connection in
            for item in items { rowsWritten += try connection.run(name, sql, values(item)) }
        }
    }

    public func upsertCarStates(_ states: [CarState]) throws {
        try upsert(
            states, name: "upsert_car_state",
            sql: """
                INSERT INTO car_states (\(StoreRows.carStateColumns))
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
                ON CONFLICT (car_key, time_ms) DO UPDATE SET \(Self.replacing(StoreRows.carStateColumns))
                """,
            values: StoreRows.carState)
    }

    public func upsertLaps(_ laps: [LapRecord]) throws {
        try upsert(
            laps, name: "upsert_lap",
            sql: """
                INSERT INTO laps (\(StoreRows.lapColumns))
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)
                ON CONFLICT (car_key, lap, source) DO UPDATE SET \(Self.replacing(StoreRows.lapColumns))
                """,
            values: StoreRows.lap)
    }

    public func upsertWeather(_ samples: [WeatherSample]) throws {
        try upsert(
            samples, name: "upsert_weather",
            sql: """
                INSERT INTO weather (\(StoreRows.weatherColumns)) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
                ON CONFLICT (time_ms) DO UPDATE SET \(Self.replacing(StoreRows.weatherColumns))
                """,
            values: StoreRows.weather)
    }

    public func upsertPredictions(_ predictions: [StrategyPrediction]) throws {
        try upsert(
            predictions, name: "upsert_prediction",
            sql: """
                INSERT INTO predictions (\(StoreRows.predictionColumns))
                VALUES (\(StoreRows.predictionPlaceholders(numbered: true)))
                ON CONFLICT (car_key, computed_ms) DO UPDATE SET \(Self.replacing(StoreRows.predictionColumns))
                """,
            values: StoreRows.prediction)
    }

    public func upsertAlerts(_ alerts: [Alert]) throws {
        try upsert(
            alerts, name: "upsert_alert",
            sql: """
                INSERT INTO alerts (\(StoreRows.alertColumns), times_seen)
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,1)
                ON CONFLICT (alert_id) DO UPDATE SET severity=greatest(alerts.severity, excluded.severity),
                  message=excluded.message, last_raised_ms=excluded.last_raised_ms,
                  times_seen=alerts.times_seen+1, value=excluded.value, resolved_ms=NULL
                """,
            values: StoreRows.alert)
    }

    /// `a=excluded.a, b=excluded.b, …` for every column of a list: SQLite's INSERT OR REPLACE, spelled
    /// the way PostgreSQL says it.
    static func replacing(_ columns: String) -> String {
        columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { "\($0)=excluded.\($0)" }.joined(separator: ", ")
    }
}
