import Foundation
import RaceDomain

/// The SQLite store: one file, WAL, busy timeout, every write in an IMMEDIATE transaction so several
/// processes (host and plugins) can write to it at once without "database is locked" failures.
public final class SQLiteRaceStore: RaceStore {
    public let location: StoreLocation
    public internal(set) var rowsWritten = 0
    let db: SQLiteConnection

    public init(path: String) throws {
        location = .sqlite(path: path)
        db = try SQLiteConnection(path: path)
        try migrate()
    }

    /// Applies every migration not yet recorded, each in its own transaction.
    func migrate() throws {
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                + "applied_ms INTEGER NOT NULL)", name: "create_schema_migrations")
        try db.transaction {
            var applied = Set<Int>()
            try db.statement("applied_versions", "SELECT version FROM schema_migrations").query { row in
                applied.insert(row.int(0) ?? 0)
            }
            for migration in StoreSchema.migrations where !applied.contains(migration.version) {
                do {
                    try db.execute(migration.sql, name: "migration_\(migration.version)")
                } catch let error as StoreError {
                    throw StoreError(
                        code: .migrationFailed,
                        reason: "migration \(migration.version) (\(migration.name)): "
                            + error.reason, location: error.location)
                }
                try db.statement(
                    "record_migration", "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)"
                ).bind([.integer(Int64(migration.version)), .text(migration.name), .integer(Self.nowMs())]).run()
            }
        }
    }

    public func batch(_ body: () throws -> Void) throws { try db.transaction(lazy: true, body) }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Runs one upsert statement per item inside a single transaction.
    func upsert<T>(_ items: [T], name: String, sql: String, values: (T) -> [SQLiteValue?]) throws {
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

    public func upsertFrames(_ frames: [CarFrame]) throws {
        try upsert(
            frames, name: "upsert_frame",
            sql: """
                INSERT INTO car_frames (vehicle_id, ecu_time_ms, time_ms, car_number, lap, lap_distance_m, speed_kph,
                  throttle_pct, brake_front_bar, brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, steering_deg,
                  latitude_deg, longitude_deg)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (vehicle_id, ecu_time_ms) DO UPDATE SET time_ms=excluded.time_ms,
                  car_number=excluded.car_number, lap=excluded.lap, lap_distance_m=excluded.lap_distance_m,
                  speed_kph=excluded.speed_kph, throttle_pct=excluded.throttle_pct,
                  brake_front_bar=excluded.brake_front_bar, brake_rear_bar=excluded.brake_rear_bar,
                  gear=excluded.gear, rpm=excluded.rpm, accel_long_g=excluded.accel_long_g,
                  accel_lat_g=excluded.accel_lat_g, steering_deg=excluded.steering_deg,
                  latitude_deg=excluded.latitude_deg, longitude_deg=excluded.longitude_deg
                """
        ) { f in
            [
                .text(f.vehicleID), .integer(f.ecuTimeMs ?? f.timeMs), .integer(f.timeMs), .int(f.carNumber),
                .integer(Int64(f.lap)), .double(f.lapDistanceM), .double(f.speedKph), .double(f.throttlePct),
                .double(f.brakeFrontBar), .double(f.brakeRearBar), .int(f.gear), .double(f.rpm),
                .double(f.accelLongG), .double(f.accelLatG), .double(f.steeringDeg), .double(f.latitudeDeg),
                .double(f.longitudeDeg),
            ]
        }
    }

    public func upsertCarStates(_ states: [CarState]) throws {
        try upsert(
            states, name: "upsert_car_state",
            sql: """
                INSERT OR REPLACE INTO car_states (car_key, vehicle_id, time_ms, car_number, lap, lap_distance_m,
                  speed_kph,
                  throttle_pct, brake_front_bar, brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, samples,
                  last_lap_ms, best_lap_ms, position, laps_completed, max_speed_kph)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """
        ) { s in
            let f = s.frame
            return [
                .text(CarKey.of(vehicleID: f.vehicleID, carNumber: f.carNumber)), .text(f.vehicleID),
                .integer(f.timeMs), .int(f.carNumber), .integer(Int64(f.lap)),
                .double(f.lapDistanceM), .double(f.speedKph), .double(f.throttlePct), .double(f.brakeFrontBar),
                .double(f.brakeRearBar), .int(f.gear), .double(f.rpm), .double(f.accelLongG), .double(f.accelLatG),
                .integer(Int64(s.samples)), .int64(s.lastLapMs), .int64(s.bestLapMs), .int(s.position),
                .integer(Int64(s.lapsCompleted)), .double(s.maxSpeedKph),
            ]
        }
    }

    public func upsertLaps(_ laps: [LapRecord]) throws {
        try upsert(
            laps, name: "upsert_lap",
            sql: """
                INSERT OR REPLACE INTO laps (car_key, lap, source, vehicle_id, car_number, lap_time_ms, crossed_ms,
                  s1_ms, s2_ms, s3_ms, top_speed_kph, avg_speed_kph, elapsed_ms, flag, pit_in, pit_time_ms)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """
        ) { l in
            [
                .text(CarKey.of(vehicleID: l.vehicleID, carNumber: l.carNumber)), .integer(Int64(l.lap)),
                .text(l.source.rawValue), .text(l.vehicleID), .int(l.carNumber), .int64(l.lapTimeMs),
                .integer(l.crossedMs), .int64(l.s1Ms), .int64(l.s2Ms), .int64(l.s3Ms), .double(l.topSpeedKph),
                .double(l.avgSpeedKph), .int64(l.elapsedMs), .text(l.flag), .bool(l.pitIn), .int64(l.pitTimeMs),
            ]
        }
    }

    public func upsertWeather(_ samples: [WeatherSample]) throws {
        try upsert(
            samples, name: "upsert_weather",
            sql: """
                INSERT OR REPLACE INTO weather (time_ms, air_temp_c, track_temp_c, humidity_pct, pressure_hpa,
                  wind_speed_kph, wind_direction_deg, rain) VALUES (?,?,?,?,?,?,?,?)
                """
        ) { w in
            [
                .integer(w.timeMs), .double(w.airTempC), .double(w.trackTempC), .double(w.humidityPct),
                .double(w.pressureHPa), .double(w.windSpeedKph), .double(w.windDirectionDeg), .bool(w.rain),
            ]
        }
    }

    public func upsertPredictions(_ predictions: [StrategyPrediction]) throws {
        try upsert(
            predictions, name: "upsert_prediction",
            sql: """
                INSERT OR REPLACE INTO predictions (car_key, computed_ms, vehicle_id, car_number, laps_completed,
                  laps_remaining, degradation_ms_per_lap, degradation_stderr, predicted_next_lap_ms,
                  pit_window_open_lap, pit_window_close_lap, confidence, clean_laps, model, rationale)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """
        ) { p in
            [
                .text(CarKey.of(vehicleID: p.vehicleID, carNumber: p.carNumber)), .integer(p.computedMs),
                .text(p.vehicleID), .int(p.carNumber), .integer(Int64(p.lapsCompleted)),
                .integer(Int64(p.lapsRemaining)), .real(p.degradationMsPerLap), .double(p.degradationStderr),
                .real(p.predictedNextLapMs), .int(p.pitWindowOpenLap), .int(p.pitWindowCloseLap),
                .real(p.confidence), .integer(Int64(p.cleanLaps)), .text(p.model), .text(p.rationale),
            ]
        }
    }

    /// An alert seen again keeps its first-raised time, takes the higher severity and counts the sighting.
    public func upsertAlerts(_ alerts: [Alert]) throws {
        try upsert(
            alerts, name: "upsert_alert",
            sql: """
                INSERT INTO alerts (alert_id, vehicle_id, car_number, rule, severity, message, first_raised_ms,
                  last_raised_ms, times_seen, lap, value, threshold, channel)
                VALUES (?,?,?,?,?,?,?,?,1,?,?,?,?)
                ON CONFLICT (alert_id) DO UPDATE SET severity=max(severity, excluded.severity),
                  message=excluded.message, last_raised_ms=excluded.last_raised_ms, times_seen=times_seen+1,
                  value=excluded.value
                """
        ) { a in
            [
                .text(a.alertID), .text(a.vehicleID), .int(a.carNumber), .text(a.rule),
                .integer(Int64(a.severity.rawValue)), .text(a.message), .integer(a.raisedMs), .integer(a.raisedMs),
                .integer(Int64(a.lap)), .double(a.value), .double(a.threshold), .text(a.channel),
            ]
        }
    }
}
