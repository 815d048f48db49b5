/// The versioned schema. Each migration runs once, in order, inside a transaction; the applied versions
/// are kept in `schema_migrations`.
enum StoreSchema {
    static let migrations: [(version: Int, name: String, sql: String)] = [
        (
            1, "race tables",
            """
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
        ),
        (
            2, "durable calls and dead letters",
            """
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
        ),
        (
            3, "schedule state, periodic job results, retention",
            """
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
        ),
        (
            4, "alert acknowledgement notes",
            """
            ALTER TABLE alerts ADD COLUMN ack_note TEXT;
            CREATE INDEX alerts_by_acknowledged ON alerts (acknowledged_ms);
            """
        ),
    ]
}
