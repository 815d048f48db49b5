import RaceDomain

/// Telemetry frames: bulk upserts, reads by car and time, retention by time.
extension SQLiteRaceStore {
    /// Frames per multi-row INSERT: the statement runs once per this many frames, not once per frame, which
    /// takes a fifth off SQLite's CPU time per frame (measured: BENCHMARKS.md, Store).
    var framesPerStatement: Int { min(256, db.parameterLimit / 17) }

    /// `INSERT … VALUES (17 ?), … (rows times) ON CONFLICT (vehicle, ecu_time_ms) DO UPDATE …`: rows are
    /// upserted in order, so a later row with the same key wins, as a later statement would.
    static func upsertFramesSQL(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: 17).joined(separator: ",") + ")"
        return """
            INSERT INTO car_frames (\(StoreRows.frameColumns))
            VALUES \(Array(repeating: row, count: rows).joined(separator: ","))
            ON CONFLICT (vehicle, ecu_time_ms) DO UPDATE SET time_ms=excluded.time_ms,
              car_number=excluded.car_number, lap=excluded.lap, lap_distance_m=excluded.lap_distance_m,
              speed_kph=excluded.speed_kph, throttle_pct=excluded.throttle_pct,
              brake_front_bar=excluded.brake_front_bar, brake_rear_bar=excluded.brake_rear_bar,
              gear=excluded.gear, rpm=excluded.rpm, accel_long_g=excluded.accel_long_g,
              accel_lat_g=excluded.accel_lat_g, steering_deg=excluded.steering_deg,
              latitude_deg=excluded.latitude_deg, longitude_deg=excluded.longitude_deg
            """
    }

    /// One transaction of prepared upserts, `framesPerStatement` frames per statement; a frame already
    /// stored under its (vehicle, ECU time) is replaced, and a later frame of the batch with the same key
    /// wins. Each value is bound straight from the frame. A vehicle seen for the first time gets its
    /// `vehicles` row in the same transaction.
    public func upsertFrames(_ frames: [CarFrame]) throws {
        guard !frames.isEmpty else { return }
        try db.transaction {
            var vehicles: [String: Int64] = [:]
            for f in frames where vehicles[f.vehicleID] == nil { vehicles[f.vehicleID] = try vehicleKey(f.vehicleID) }
            let perStatement = framesPerStatement
            let many = try db.statement("upsert_frames", Self.upsertFramesSQL(rows: perStatement))
            let one = try db.statement("upsert_frame", Self.upsertFramesSQL(rows: 1))
            var offset = frames.startIndex
            while offset < frames.endIndex {
                let statement = frames.endIndex - offset >= perStatement ? many : one
                let count = statement === many ? perStatement : 1
                for (row, f) in frames[offset..<(offset + count)].enumerated() {
                    let base = Int32(row * 17)
                    statement.bind(base + 1, vehicles[f.vehicleID])
                    statement.bind(base + 2, f.ecuTimeMs ?? f.timeMs)
                    statement.bind(base + 3, f.timeMs)
                    statement.bind(base + 4, f.carNumber.map(Int64.init))
                    statement.bind(base + 5, Int64(f.lap))
                    statement.bind(base + 6, f.lapDistanceM)
                    statement.bind(base + 7, f.speedKph)
                    statement.bind(base + 8, f.throttlePct)
                    statement.bind(base + 9, f.brakeFrontBar)
                    statement.bind(base + 10, f.brakeRearBar)
                    statement.bind(base + 11, f.gear.map(Int64.init))
                    statement.bind(base + 12, f.rpm)
                    statement.bind(base + 13, f.accelLongG)
                    statement.bind(base + 14, f.accelLatG)
                    statement.bind(base + 15, f.steeringDeg)
                    statement.bind(base + 16, f.latitudeDeg)
                    statement.bind(base + 17, f.longitudeDeg)
                }
                try statement.run()
                rowsWritten += db.changes
                offset += count
            }
        }
    }

    /// The `vehicles.id` of a vehicle, adding its row if it has none.
    func vehicleKey(_ vehicleID: String) throws -> Int64 {
        var key: Int64?
        try db.statement("vehicle_key", "SELECT id FROM vehicles WHERE vehicle_id = ?").bind([.text(vehicleID)])
            .query { key = $0.int64(0) }
        if let key { return key }
        try db.statement("add_vehicle", "INSERT INTO vehicles (vehicle_id) VALUES (?) RETURNING id")
            .bind([.text(vehicleID)]).query { key = $0.int64(0) }
        guard let key else {
            throw StoreError(code: .queryFailed, reason: "no id for vehicle '\(vehicleID)'", location: db.path)
        }
        return key
    }

    /// Along `car_frames_by_time`: the window's frames of all cars, filtered to the car in the index.
    public func frames(vehicleID: String, fromMs: Int64, toMs: Int64) throws -> [CarFrame] {
        var frames: [CarFrame] = []
        let sql = """
            SELECT \(StoreRows.frameSelect)
            FROM car_frames f INDEXED BY car_frames_by_time JOIN vehicles v ON v.id = f.vehicle
            WHERE v.vehicle_id = ? AND f.time_ms >= ? AND f.time_ms < ? ORDER BY f.time_ms, f.ecu_time_ms
            """
        try db.statement("frames_by_vehicle", sql).bind([.text(vehicleID), .integer(fromMs), .integer(toMs)]).query {
            frames.append(StoreRows.frame($0))
        }
        return frames
    }

    public func frames(since timeMs: Int64) throws -> [CarFrame] {
        var frames: [CarFrame] = []
        let sql = """
            SELECT \(StoreRows.frameSelect)
            FROM car_frames f INDEXED BY car_frames_by_time JOIN vehicles v ON v.id = f.vehicle
            WHERE f.time_ms >= ? ORDER BY v.vehicle_id, f.ecu_time_ms
            """
        try db.statement("frames_since", sql).bind([.integer(timeMs)]).query { frames.append(StoreRows.frame($0)) }
        return frames
    }

    /// Retention of frames, oldest first along `car_frames_by_time`: batches of at most `limit` rows, each
    /// its own IMMEDIATE transaction, until none older than `cutoff` is left.
    func expireFrames(cutoff: Int64, limit: Int, batches: inout Int) throws -> Int {
        var total = 0
        while true {
            var oldest: Int64?
            try db.statement("oldest_frame", "SELECT min(time_ms) FROM car_frames").query { oldest = $0.int64(0) }
            guard let oldest, oldest < cutoff else { return total }
            let deleted = try db.transaction {
                try db.statement(
                    "expire_frames",
                    """
                    DELETE FROM car_frames WHERE rowid IN
                      (SELECT rowid FROM car_frames WHERE time_ms < ? ORDER BY time_ms LIMIT ?)
                    """
                ).bind([.integer(cutoff), .integer(Int64(limit))]).run()
                return db.changes
            }
            batches += 1
            total += deleted
            if deleted < limit { return total }
        }
    }
}
