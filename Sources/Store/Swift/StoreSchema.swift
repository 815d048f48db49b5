/// The versioned schema: the same tables, columns, keys and indexes on SQLite and PostgreSQL, written once
/// per dialect (SQLite's INTEGER/REAL/BLOB are PostgreSQL's BIGINT/DOUBLE PRECISION/BYTEA). Each migration
/// runs once, in order, inside a transaction; the applied versions are kept in `schema_migrations`. A new
/// migration is appended with the next version and both dialects; a released one never changes.
enum StoreSchema {
    struct Migration {
        var version: Int
        var name: String
        var sqlite: String
        var postgres: String

        func sql(_ dialect: StoreDialect) -> String { dialect == .sqlite ? sqlite : postgres }
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "race tables", sqlite: v1SQLite, postgres: v1Postgres),
        Migration(version: 2, name: "durable calls and dead letters", sqlite: v2SQLite, postgres: v2Postgres),
        Migration(
            version: 3, name: "schedule state, periodic job results, retention", sqlite: v3SQLite,
            postgres: v3Postgres),
        Migration(version: 4, name: "read and claim indexes, resolved alerts", sqlite: v4SQLite, postgres: v4Postgres),
        Migration(version: 5, name: "alert acknowledgement notes", sqlite: v5, postgres: v5),
        Migration(
            version: 6, name: "pace, gap and weather-condition figures of the analytics reports", sqlite: v6SQLite,
            postgres: v6Postgres),
        Migration(
            version: 7, name: "telemetry frames keyed by an integer vehicle id, one time index",
            sqlite: v7SQLite, postgres: v7Postgres),
        Migration(
            version: 8, name: "ingest cursors resume at a byte offset and know the file's inode", sqlite: v8SQLite,
            postgres: v8Postgres),
        Migration(
            version: 9, name: "pace-model predictions (intervals, pit window under caution) and strategy simulations",
            sqlite: v9SQLite, postgres: v9Postgres),
        Migration(
            version: 10, name: "car states know a car has taken the chequered flag", sqlite: v10SQLite,
            postgres: v10Postgres),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
          applied_ms BIGINT NOT NULL)
        """

    static let v1SQLite = """
        CREATE TABLE car_frames (
            vehicle_id TEXT NOT NULL, ecu_time_ms INTEGER NOT NULL, time_ms INTEGER NOT NULL,
            car_number INTEGER, lap INTEGER NOT NULL, lap_distance_m REAL, speed_kph REAL, throttle_pct REAL,
            brake_front_bar REAL, brake_rear_bar REAL, gear INTEGER, rpm REAL, accel_long_g REAL,
            accel_lat_g REAL, steering_deg REAL, latitude_deg REAL, longitude_deg REAL,
            PRIMARY KEY (vehicle_id, ecu_time_ms)
        ) WITHOUT ROWID;
        CREATE TABLE car_states (
            car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL, time_ms INTEGER NOT NULL, car_number INTEGER,
            lap INTEGER NOT NULL,
            lap_distance_m REAL, speed_kph REAL, throttle_pct REAL, brake_front_bar REAL, brake_rear_bar REAL,
            gear INTEGER, rpm REAL, accel_long_g REAL, accel_lat_g REAL, samples INTEGER NOT NULL,
            last_lap_ms INTEGER, best_lap_ms INTEGER, position INTEGER, laps_completed INTEGER NOT NULL,
            max_speed_kph REAL,
            PRIMARY KEY (car_key, time_ms)
        ) WITHOUT ROWID;
        CREATE TABLE laps (
            car_key TEXT NOT NULL, lap INTEGER NOT NULL, source TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number INTEGER, lap_time_ms INTEGER, crossed_ms INTEGER NOT NULL, s1_ms INTEGER, s2_ms INTEGER,
            s3_ms INTEGER, top_speed_kph REAL, avg_speed_kph REAL, elapsed_ms INTEGER, flag TEXT NOT NULL,
            pit_in INTEGER NOT NULL, pit_time_ms INTEGER,
            PRIMARY KEY (car_key, lap, source)
        ) WITHOUT ROWID;
        CREATE TABLE weather (
            time_ms INTEGER PRIMARY KEY, air_temp_c REAL, track_temp_c REAL, humidity_pct REAL,
            pressure_hpa REAL, wind_speed_kph REAL, wind_direction_deg REAL, rain INTEGER NOT NULL
        );
        CREATE TABLE predictions (
            car_key TEXT NOT NULL, computed_ms INTEGER NOT NULL, vehicle_id TEXT NOT NULL, car_number INTEGER,
            laps_completed INTEGER NOT NULL, laps_remaining INTEGER NOT NULL,
            degradation_ms_per_lap REAL NOT NULL, degradation_stderr REAL, predicted_next_lap_ms REAL NOT NULL,
            pit_window_open_lap INTEGER, pit_window_close_lap INTEGER, confidence REAL NOT NULL,
            clean_laps INTEGER NOT NULL, model TEXT NOT NULL, rationale TEXT NOT NULL,
            PRIMARY KEY (car_key, computed_ms)
        ) WITHOUT ROWID;
        CREATE TABLE alerts (
            alert_id TEXT PRIMARY KEY, vehicle_id TEXT NOT NULL, car_number INTEGER, rule TEXT NOT NULL,
            severity INTEGER NOT NULL, message TEXT NOT NULL, first_raised_ms INTEGER NOT NULL,
            last_raised_ms INTEGER NOT NULL, times_seen INTEGER NOT NULL, lap INTEGER NOT NULL, value REAL,
            threshold REAL, channel TEXT NOT NULL
        );
        CREATE TABLE calls (
            call_id TEXT PRIMARY KEY, method TEXT NOT NULL, priority INTEGER NOT NULL, attempt INTEGER NOT NULL,
            state TEXT NOT NULL, enqueued_ms INTEGER NOT NULL, finished_ms INTEGER, status TEXT,
            message TEXT, worker TEXT
        );
        CREATE INDEX calls_by_state ON calls (state);
        """

    static let v1Postgres = """
        CREATE TABLE car_frames (
            vehicle_id TEXT NOT NULL, ecu_time_ms BIGINT NOT NULL, time_ms BIGINT NOT NULL,
            car_number BIGINT, lap BIGINT NOT NULL, lap_distance_m DOUBLE PRECISION, speed_kph DOUBLE PRECISION, throttle_pct DOUBLE PRECISION,
            brake_front_bar DOUBLE PRECISION, brake_rear_bar DOUBLE PRECISION, gear BIGINT, rpm DOUBLE PRECISION, accel_long_g DOUBLE PRECISION,
            accel_lat_g DOUBLE PRECISION, steering_deg DOUBLE PRECISION, latitude_deg DOUBLE PRECISION, longitude_deg DOUBLE PRECISION,
            PRIMARY KEY (vehicle_id, ecu_time_ms)
        );
        CREATE TABLE car_states (
            car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL, time_ms BIGINT NOT NULL, car_number BIGINT,
            lap BIGINT NOT NULL,
            lap_distance_m DOUBLE PRECISION, speed_kph DOUBLE PRECISION, throttle_pct DOUBLE PRECISION, brake_front_bar DOUBLE PRECISION, brake_rear_bar DOUBLE PRECISION,
            gear BIGINT, rpm DOUBLE PRECISION, accel_long_g DOUBLE PRECISION, accel_lat_g DOUBLE PRECISION, samples BIGINT NOT NULL,
            last_lap_ms BIGINT, best_lap_ms BIGINT, position BIGINT, laps_completed BIGINT NOT NULL,
            max_speed_kph DOUBLE PRECISION,
            PRIMARY KEY (car_key, time_ms)
        );
        CREATE TABLE laps (
            car_key TEXT NOT NULL, lap BIGINT NOT NULL, source TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number BIGINT, lap_time_ms BIGINT, crossed_ms BIGINT NOT NULL, s1_ms BIGINT, s2_ms BIGINT,
            s3_ms BIGINT, top_speed_kph DOUBLE PRECISION, avg_speed_kph DOUBLE PRECISION, elapsed_ms BIGINT, flag TEXT NOT NULL,
            pit_in BIGINT NOT NULL, pit_time_ms BIGINT,
            PRIMARY KEY (car_key, lap, source)
        );
        CREATE TABLE weather (
            time_ms BIGINT PRIMARY KEY, air_temp_c DOUBLE PRECISION, track_temp_c DOUBLE PRECISION, humidity_pct DOUBLE PRECISION,
            pressure_hpa DOUBLE PRECISION, wind_speed_kph DOUBLE PRECISION, wind_direction_deg DOUBLE PRECISION, rain BIGINT NOT NULL
        );
        CREATE TABLE predictions (
            car_key TEXT NOT NULL, computed_ms BIGINT NOT NULL, vehicle_id TEXT NOT NULL, car_number BIGINT,
            laps_completed BIGINT NOT NULL, laps_remaining BIGINT NOT NULL,
            degradation_ms_per_lap DOUBLE PRECISION NOT NULL, degradation_stderr DOUBLE PRECISION, predicted_next_lap_ms DOUBLE PRECISION NOT NULL,
            pit_window_open_lap BIGINT, pit_window_close_lap BIGINT, confidence DOUBLE PRECISION NOT NULL,
            clean_laps BIGINT NOT NULL, model TEXT NOT NULL, rationale TEXT NOT NULL,
            PRIMARY KEY (car_key, computed_ms)
        );
        CREATE TABLE alerts (
            alert_id TEXT PRIMARY KEY, vehicle_id TEXT NOT NULL, car_number BIGINT, rule TEXT NOT NULL,
            severity BIGINT NOT NULL, message TEXT NOT NULL, first_raised_ms BIGINT NOT NULL,
            last_raised_ms BIGINT NOT NULL, times_seen BIGINT NOT NULL, lap BIGINT NOT NULL, value DOUBLE PRECISION,
            threshold DOUBLE PRECISION, channel TEXT NOT NULL
        );
        CREATE TABLE calls (
            call_id TEXT PRIMARY KEY, method TEXT NOT NULL, priority BIGINT NOT NULL, attempt BIGINT NOT NULL,
            state TEXT NOT NULL, enqueued_ms BIGINT NOT NULL, finished_ms BIGINT, status TEXT,
            message TEXT, worker TEXT
        );
        CREATE INDEX calls_by_state ON calls (state);
        """

    static let v2SQLite = """
        ALTER TABLE calls ADD COLUMN entry TEXT NOT NULL DEFAULT '';
        ALTER TABLE calls ADD COLUMN payload BLOB;
        ALTER TABLE calls ADD COLUMN result BLOB;
        ALTER TABLE calls ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3;
        ALTER TABLE calls ADD COLUMN timeout_ms INTEGER NOT NULL DEFAULT 5000;
        ALTER TABLE calls ADD COLUMN expires_ms INTEGER;
        ALTER TABLE calls ADD COLUMN not_before_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN errors TEXT NOT NULL DEFAULT '';
        ALTER TABLE calls ADD COLUMN owner TEXT;
        CREATE TABLE dead_letters (
            call_id TEXT PRIMARY KEY, method TEXT NOT NULL, entry TEXT NOT NULL, priority INTEGER NOT NULL,
            attempts INTEGER NOT NULL, errors TEXT NOT NULL, dead_ms INTEGER NOT NULL, payload BLOB
        );
        """

    static let v2Postgres = """
        ALTER TABLE calls ADD COLUMN entry TEXT NOT NULL DEFAULT '';
        ALTER TABLE calls ADD COLUMN payload BYTEA;
        ALTER TABLE calls ADD COLUMN result BYTEA;
        ALTER TABLE calls ADD COLUMN max_attempts BIGINT NOT NULL DEFAULT 3;
        ALTER TABLE calls ADD COLUMN timeout_ms BIGINT NOT NULL DEFAULT 5000;
        ALTER TABLE calls ADD COLUMN expires_ms BIGINT;
        ALTER TABLE calls ADD COLUMN not_before_ms BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN errors TEXT NOT NULL DEFAULT '';
        ALTER TABLE calls ADD COLUMN owner TEXT;
        CREATE TABLE dead_letters (
            call_id TEXT PRIMARY KEY, method TEXT NOT NULL, entry TEXT NOT NULL, priority BIGINT NOT NULL,
            attempts BIGINT NOT NULL, errors TEXT NOT NULL, dead_ms BIGINT NOT NULL, payload BYTEA
        );
        """

    static let v3SQLite = """
        CREATE TABLE schedule_entries (
            entry TEXT PRIMARY KEY, spec TEXT NOT NULL, last_slot_ms INTEGER, next_slot_ms INTEGER,
            last_fired_ms INTEGER, last_outcome TEXT, fired INTEGER NOT NULL, skipped_overlap INTEGER NOT NULL,
            missed INTEGER NOT NULL, owner TEXT NOT NULL, updated_ms INTEGER NOT NULL
        );
        ALTER TABLE alerts ADD COLUMN acknowledged_ms INTEGER;
        CREATE INDEX car_frames_by_time ON car_frames (time_ms);
        CREATE INDEX car_states_by_time ON car_states (time_ms);
        CREATE TABLE reports (
            kind TEXT NOT NULL, generated_ms INTEGER NOT NULL, summary TEXT NOT NULL,
            air_temp_c REAL, track_temp_c REAL, humidity_pct REAL, wind_speed_kph REAL, rain INTEGER,
            weather_ms INTEGER,
            PRIMARY KEY (kind, generated_ms)
        );
        CREATE TABLE report_cars (
            kind TEXT NOT NULL, generated_ms INTEGER NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number INTEGER, laps_completed INTEGER NOT NULL, best_lap_ms INTEGER, best_lap_number INTEGER,
            theoretical_best_ms INTEGER, top_speed_kph REAL, median_green_lap_ms INTEGER, position INTEGER,
            PRIMARY KEY (kind, generated_ms, car_key)
        );
        CREATE TABLE simulations (
            computed_ms INTEGER NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL, car_number INTEGER,
            current_position INTEGER NOT NULL, expected_position REAL NOT NULL, win_probability REAL NOT NULL,
            podium_probability REAL NOT NULL, iterations INTEGER NOT NULL, seed TEXT NOT NULL,
            laps_remaining INTEGER NOT NULL,
            PRIMARY KEY (computed_ms, car_key)
        );
        CREATE TABLE ingest_cursors (
            file TEXT PRIMARY KEY, bytes INTEGER NOT NULL, rows INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        """

    static let v3Postgres = """
        CREATE TABLE schedule_entries (
            entry TEXT PRIMARY KEY, spec TEXT NOT NULL, last_slot_ms BIGINT, next_slot_ms BIGINT,
            last_fired_ms BIGINT, last_outcome TEXT, fired BIGINT NOT NULL, skipped_overlap BIGINT NOT NULL,
            missed BIGINT NOT NULL, owner TEXT NOT NULL, updated_ms BIGINT NOT NULL
        );
        ALTER TABLE alerts ADD COLUMN acknowledged_ms BIGINT;
        CREATE INDEX car_frames_by_time ON car_frames (time_ms);
        CREATE INDEX car_states_by_time ON car_states (time_ms);
        CREATE TABLE reports (
            kind TEXT NOT NULL, generated_ms BIGINT NOT NULL, summary TEXT NOT NULL,
            air_temp_c DOUBLE PRECISION, track_temp_c DOUBLE PRECISION, humidity_pct DOUBLE PRECISION, wind_speed_kph DOUBLE PRECISION, rain BIGINT,
            weather_ms BIGINT,
            PRIMARY KEY (kind, generated_ms)
        );
        CREATE TABLE report_cars (
            kind TEXT NOT NULL, generated_ms BIGINT NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number BIGINT, laps_completed BIGINT NOT NULL, best_lap_ms BIGINT, best_lap_number BIGINT,
            theoretical_best_ms BIGINT, top_speed_kph DOUBLE PRECISION, median_green_lap_ms BIGINT, position BIGINT,
            PRIMARY KEY (kind, generated_ms, car_key)
        );
        CREATE TABLE simulations (
            computed_ms BIGINT NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL, car_number BIGINT,
            current_position BIGINT NOT NULL, expected_position DOUBLE PRECISION NOT NULL, win_probability DOUBLE PRECISION NOT NULL,
            podium_probability DOUBLE PRECISION NOT NULL, iterations BIGINT NOT NULL, seed TEXT NOT NULL,
            laps_remaining BIGINT NOT NULL,
            PRIMARY KEY (computed_ms, car_key)
        );
        CREATE TABLE ingest_cursors (
            file TEXT PRIMARY KEY, bytes BIGINT NOT NULL, rows BIGINT NOT NULL, updated_ms BIGINT NOT NULL
        );
        """

    static let v4SQLite = """
        ALTER TABLE alerts ADD COLUMN resolved_ms INTEGER;
        CREATE INDEX car_frames_by_vehicle_time ON car_frames (vehicle_id, time_ms);
        CREATE INDEX alerts_by_resolved ON alerts (resolved_ms) WHERE resolved_ms IS NOT NULL;
        CREATE INDEX calls_unowned ON calls (enqueued_ms) WHERE state = 'queued' AND owner IS NULL;
        """

    static let v4Postgres = """
        ALTER TABLE alerts ADD COLUMN resolved_ms BIGINT;
        CREATE INDEX car_frames_by_vehicle_time ON car_frames (vehicle_id, time_ms);
        CREATE INDEX alerts_by_resolved ON alerts (resolved_ms) WHERE resolved_ms IS NOT NULL;
        CREATE INDEX calls_unowned ON calls (enqueued_ms) WHERE state = 'queued' AND owner IS NULL;
        """

    /// Version 5: the note an engineer gives with `ctl ack` (the same SQL on both dialects).
    static let v5 = """
        ALTER TABLE alerts ADD COLUMN ack_note TEXT;
        CREATE INDEX alerts_by_acknowledged ON alerts (acknowledged_ms);
        """

    /// Version 6: each performance car's `CarPace`, each competitor car's `CompetitorGap`, and the weather
    /// report's conditions (sensors the sample lacked, sample count, rain seen, trends).
    static let v6SQLite = """
        CREATE TABLE report_car_paces (
            kind TEXT NOT NULL, generated_ms INTEGER NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number INTEGER, laps_completed INTEGER NOT NULL, best_lap_ms INTEGER, best_lap_number INTEGER,
            best_s1_ms INTEGER, best_s2_ms INTEGER, best_s3_ms INTEGER, theoretical_best_ms INTEGER,
            s1_delta_ms INTEGER, s2_delta_ms INTEGER, s3_delta_ms INTEGER, clean_laps INTEGER NOT NULL,
            mean_clean_lap_ms INTEGER, consistency_ms INTEGER, top_speed_kph REAL, green_laps INTEGER NOT NULL,
            caution_laps INTEGER NOT NULL, pit_laps TEXT NOT NULL,
            PRIMARY KEY (kind, generated_ms, car_key)
        );
        CREATE TABLE report_car_gaps (
            kind TEXT NOT NULL, generated_ms INTEGER NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number INTEGER, position INTEGER NOT NULL, laps_completed INTEGER NOT NULL,
            laps_behind_leader INTEGER NOT NULL, gap_to_leader_ms INTEGER, car_ahead TEXT,
            laps_behind_ahead INTEGER NOT NULL, gap_to_ahead_ms INTEGER, pace_ms INTEGER,
            closing_ms_per_lap INTEGER, laps_to_contact REAL, undercut_threat_from TEXT, overcut_threat_from TEXT,
            PRIMARY KEY (kind, generated_ms, car_key)
        );
        ALTER TABLE reports ADD COLUMN pressure_hpa REAL;
        ALTER TABLE reports ADD COLUMN wind_direction_deg REAL;
        ALTER TABLE reports ADD COLUMN weather_samples INTEGER;
        ALTER TABLE reports ADD COLUMN rain_seen INTEGER;
        ALTER TABLE reports ADD COLUMN air_trend_c_per_hour REAL;
        ALTER TABLE reports ADD COLUMN track_trend_c_per_hour REAL;
        """

    static let v6Postgres = """
        CREATE TABLE report_car_paces (
            kind TEXT NOT NULL, generated_ms BIGINT NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number BIGINT, laps_completed BIGINT NOT NULL, best_lap_ms BIGINT, best_lap_number BIGINT,
            best_s1_ms BIGINT, best_s2_ms BIGINT, best_s3_ms BIGINT, theoretical_best_ms BIGINT,
            s1_delta_ms BIGINT, s2_delta_ms BIGINT, s3_delta_ms BIGINT, clean_laps BIGINT NOT NULL,
            mean_clean_lap_ms BIGINT, consistency_ms BIGINT, top_speed_kph DOUBLE PRECISION, green_laps BIGINT NOT NULL,
            caution_laps BIGINT NOT NULL, pit_laps TEXT NOT NULL,
            PRIMARY KEY (kind, generated_ms, car_key)
        );
        CREATE TABLE report_car_gaps (
            kind TEXT NOT NULL, generated_ms BIGINT NOT NULL, car_key TEXT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number BIGINT, position BIGINT NOT NULL, laps_completed BIGINT NOT NULL,
            laps_behind_leader BIGINT NOT NULL, gap_to_leader_ms BIGINT, car_ahead TEXT,
            laps_behind_ahead BIGINT NOT NULL, gap_to_ahead_ms BIGINT, pace_ms BIGINT,
            closing_ms_per_lap BIGINT, laps_to_contact DOUBLE PRECISION, undercut_threat_from TEXT, overcut_threat_from TEXT,
            PRIMARY KEY (kind, generated_ms, car_key)
        );
        ALTER TABLE reports ADD COLUMN pressure_hpa DOUBLE PRECISION;
        ALTER TABLE reports ADD COLUMN wind_direction_deg DOUBLE PRECISION;
        ALTER TABLE reports ADD COLUMN weather_samples BIGINT;
        ALTER TABLE reports ADD COLUMN rain_seen BIGINT;
        ALTER TABLE reports ADD COLUMN air_trend_c_per_hour DOUBLE PRECISION;
        ALTER TABLE reports ADD COLUMN track_trend_c_per_hour DOUBLE PRECISION;
        """

    /// Version 7: `car_frames` rebuilt for bulk telemetry. The vehicle is an integer (`vehicles.id`) instead
    /// of its text id in every row and key; the table is a plain rowid/heap table that grows at its end in
    /// arrival order, with two B-trees: the natural key (vehicle, ecu_time_ms) that keeps redelivered frames
    /// single, and `car_frames_by_time` (time_ms, vehicle), which serves every read (a car's window, all
    /// cars since a time) and the retention deletes, and which live telemetry appends to at its right edge.
    /// The per-car (vehicle_id, time_ms) index of v4 and the text-keyed primary key are gone.
    static let v7SQLite = """
        CREATE TABLE vehicles (id INTEGER PRIMARY KEY, vehicle_id TEXT NOT NULL UNIQUE);
        INSERT INTO vehicles (vehicle_id) SELECT DISTINCT vehicle_id FROM car_frames ORDER BY vehicle_id;
        DROP INDEX car_frames_by_time;
        DROP INDEX car_frames_by_vehicle_time;
        ALTER TABLE car_frames RENAME TO car_frames_v6;
        CREATE TABLE car_frames (
            vehicle INTEGER NOT NULL, ecu_time_ms INTEGER NOT NULL, time_ms INTEGER NOT NULL,
            car_number INTEGER, lap INTEGER NOT NULL, lap_distance_m REAL, speed_kph REAL, throttle_pct REAL,
            brake_front_bar REAL, brake_rear_bar REAL, gear INTEGER, rpm REAL, accel_long_g REAL,
            accel_lat_g REAL, steering_deg REAL, latitude_deg REAL, longitude_deg REAL,
            PRIMARY KEY (vehicle, ecu_time_ms)
        );
        INSERT INTO car_frames (vehicle, ecu_time_ms, time_ms, car_number, lap, lap_distance_m, speed_kph,
            throttle_pct, brake_front_bar, brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, steering_deg,
            latitude_deg, longitude_deg)
          SELECT v.id, f.ecu_time_ms, f.time_ms, f.car_number, f.lap, f.lap_distance_m, f.speed_kph,
            f.throttle_pct, f.brake_front_bar, f.brake_rear_bar, f.gear, f.rpm, f.accel_long_g, f.accel_lat_g,
            f.steering_deg, f.latitude_deg, f.longitude_deg
          FROM car_frames_v6 f JOIN vehicles v ON v.vehicle_id = f.vehicle_id
          ORDER BY f.time_ms, v.id, f.ecu_time_ms;
        DROP TABLE car_frames_v6;
        CREATE INDEX car_frames_by_time ON car_frames (time_ms, vehicle);
        """

    static let v7Postgres = """
        CREATE TABLE vehicles (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, vehicle_id TEXT NOT NULL UNIQUE
        );
        INSERT INTO vehicles (vehicle_id) SELECT DISTINCT vehicle_id FROM car_frames ORDER BY vehicle_id;
        DROP INDEX car_frames_by_time;
        DROP INDEX car_frames_by_vehicle_time;
        ALTER TABLE car_frames RENAME TO car_frames_v6;
        ALTER INDEX car_frames_pkey RENAME TO car_frames_v6_pkey;
        CREATE TABLE car_frames (
            vehicle BIGINT NOT NULL, ecu_time_ms BIGINT NOT NULL, time_ms BIGINT NOT NULL,
            car_number BIGINT, lap BIGINT NOT NULL, lap_distance_m DOUBLE PRECISION, speed_kph DOUBLE PRECISION,
            throttle_pct DOUBLE PRECISION, brake_front_bar DOUBLE PRECISION, brake_rear_bar DOUBLE PRECISION,
            gear BIGINT, rpm DOUBLE PRECISION, accel_long_g DOUBLE PRECISION, accel_lat_g DOUBLE PRECISION,
            steering_deg DOUBLE PRECISION, latitude_deg DOUBLE PRECISION, longitude_deg DOUBLE PRECISION,
            PRIMARY KEY (vehicle, ecu_time_ms)
        );
        INSERT INTO car_frames (vehicle, ecu_time_ms, time_ms, car_number, lap, lap_distance_m, speed_kph,
            throttle_pct, brake_front_bar, brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, steering_deg,
            latitude_deg, longitude_deg)
          SELECT v.id, f.ecu_time_ms, f.time_ms, f.car_number, f.lap, f.lap_distance_m, f.speed_kph,
            f.throttle_pct, f.brake_front_bar, f.brake_rear_bar, f.gear, f.rpm, f.accel_long_g, f.accel_lat_g,
            f.steering_deg, f.latitude_deg, f.longitude_deg
          FROM car_frames_v6 f JOIN vehicles v ON v.vehicle_id = f.vehicle_id
          ORDER BY f.time_ms, v.id, f.ecu_time_ms;
        DROP TABLE car_frames_v6;
        CREATE INDEX car_frames_by_time ON car_frames (time_ms, vehicle);
        """

    /// Version 8: where the ingest plugin stopped in a file (byte offset past the last whole line and that
    /// line's number), the file's inode, and a hash of the bytes just before the offset, so a pass reads only
    /// new lines and notices a file that was replaced or rewritten. Older cursors have these NULL.
    static let v8SQLite = """
        ALTER TABLE ingest_cursors ADD COLUMN read_offset INTEGER;
        ALTER TABLE ingest_cursors ADD COLUMN read_line INTEGER;
        ALTER TABLE ingest_cursors ADD COLUMN file_inode INTEGER;
        ALTER TABLE ingest_cursors ADD COLUMN tail_hash INTEGER;
        """

    static let v8Postgres = """
        ALTER TABLE ingest_cursors ADD COLUMN read_offset BIGINT;
        ALTER TABLE ingest_cursors ADD COLUMN read_line BIGINT;
        ALTER TABLE ingest_cursors ADD COLUMN file_inode BIGINT;
        ALTER TABLE ingest_cursors ADD COLUMN tail_hash BIGINT;
        """

    /// Version 9: what the pace-model strategy plugin predicts beyond the first predictions (the next lap's 80 %
    /// interval, the next laps as JSON `[{"lap":…,"horizon":…,"mean_ms":…,"low_ms":…,"high_ms":…}]`, tyre age, pit
    /// loss and where it came from, the best stop under green and under a caution, the caution window), and the
    /// strategy simulation: each car's finishing-position counts (JSON array, position 1 first), the races simulated,
    /// runs per second and model of a batch, and one row per car's stop option.
    static let v9SQLite = """
        ALTER TABLE predictions ADD COLUMN next_lap_low_ms REAL;
        ALTER TABLE predictions ADD COLUMN next_lap_high_ms REAL;
        ALTER TABLE predictions ADD COLUMN forecasts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE predictions ADD COLUMN tyre_age_laps INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE predictions ADD COLUMN pit_loss_ms REAL;
        ALTER TABLE predictions ADD COLUMN pit_loss_stops INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE predictions ADD COLUMN caution_pit_loss_ms REAL;
        ALTER TABLE predictions ADD COLUMN best_stop_lap INTEGER;
        ALTER TABLE predictions ADD COLUMN best_stop_gain_ms REAL;
        ALTER TABLE predictions ADD COLUMN best_stop_low_ms REAL;
        ALTER TABLE predictions ADD COLUMN best_stop_high_ms REAL;
        ALTER TABLE predictions ADD COLUMN caution_stop_lap INTEGER;
        ALTER TABLE predictions ADD COLUMN caution_stop_gain_ms REAL;
        ALTER TABLE predictions ADD COLUMN caution_stop_low_ms REAL;
        ALTER TABLE predictions ADD COLUMN caution_stop_high_ms REAL;
        ALTER TABLE predictions ADD COLUMN caution_window_open_lap INTEGER;
        ALTER TABLE predictions ADD COLUMN caution_window_close_lap INTEGER;
        ALTER TABLE simulations ADD COLUMN position_counts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE simulations ADD COLUMN races_simulated INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE simulations ADD COLUMN runs_per_second REAL NOT NULL DEFAULT 0;
        ALTER TABLE simulations ADD COLUMN model TEXT NOT NULL DEFAULT '';
        CREATE TABLE simulation_options (
            computed_ms INTEGER NOT NULL, car_key TEXT NOT NULL, pit_lap INTEGER NOT NULL, vehicle_id TEXT NOT NULL,
            car_number INTEGER, pit_loss_ms REAL NOT NULL, expected_gain_ms REAL NOT NULL,
            expected_position REAL NOT NULL, win_probability REAL NOT NULL, podium_probability REAL NOT NULL,
            position_counts TEXT NOT NULL,
            PRIMARY KEY (computed_ms, car_key, pit_lap)
        );
        """

    static let v9Postgres = """
        ALTER TABLE predictions ADD COLUMN next_lap_low_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN next_lap_high_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN forecasts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE predictions ADD COLUMN tyre_age_laps BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE predictions ADD COLUMN pit_loss_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN pit_loss_stops BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE predictions ADD COLUMN caution_pit_loss_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN best_stop_lap BIGINT;
        ALTER TABLE predictions ADD COLUMN best_stop_gain_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN best_stop_low_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN best_stop_high_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN caution_stop_lap BIGINT;
        ALTER TABLE predictions ADD COLUMN caution_stop_gain_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN caution_stop_low_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN caution_stop_high_ms DOUBLE PRECISION;
        ALTER TABLE predictions ADD COLUMN caution_window_open_lap BIGINT;
        ALTER TABLE predictions ADD COLUMN caution_window_close_lap BIGINT;
        ALTER TABLE simulations ADD COLUMN position_counts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE simulations ADD COLUMN races_simulated BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE simulations ADD COLUMN runs_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
        ALTER TABLE simulations ADD COLUMN model TEXT NOT NULL DEFAULT '';
        CREATE TABLE simulation_options (
            computed_ms BIGINT NOT NULL, car_key TEXT NOT NULL, pit_lap BIGINT NOT NULL, vehicle_id TEXT NOT NULL,
            car_number BIGINT, pit_loss_ms DOUBLE PRECISION NOT NULL, expected_gain_ms DOUBLE PRECISION NOT NULL,
            expected_position DOUBLE PRECISION NOT NULL, win_probability DOUBLE PRECISION NOT NULL, podium_probability DOUBLE PRECISION NOT NULL,
            position_counts TEXT NOT NULL,
            PRIMARY KEY (computed_ms, car_key, pit_lap)
        );
        """

    /// Version 10: whether a car state is a car that has taken the chequered flag (its lap is then the cool-down
    /// lap, not a race lap).
    static let v10SQLite = """
        ALTER TABLE car_states ADD COLUMN finished INTEGER NOT NULL DEFAULT 0;
        """

    static let v10Postgres = """
        ALTER TABLE car_states ADD COLUMN finished BIGINT NOT NULL DEFAULT 0;
        """
}
