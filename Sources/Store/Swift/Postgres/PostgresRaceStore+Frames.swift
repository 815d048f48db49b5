import RaceDomain

/// Telemetry frames: bulk upserts through COPY, reads by car and time, retention by time.
extension PostgresRaceStore {
    /// Below this many frames one prepared upsert per frame beats the COPY set-up.
    static let copyThreshold = 64

    /// New frames (the usual case: telemetry moves forward) go straight into `car_frames` with binary
    /// COPY inside a savepoint. If any key is already stored (a redelivered call) the COPY fails on the
    /// key, the savepoint undoes it, and the frames go through a temporary staging table and one
    /// `INSERT … ON CONFLICT DO UPDATE` instead, later frames of the batch winning as in SQLite. A vehicle
    /// seen for the first time gets its `vehicles` row in the same transaction.
    public func upsertFrames(_ frames: [CarFrame]) throws {
        guard !frames.isEmpty else { return }
        try transaction { connection in
            let vehicles = try vehicleKeys(of: frames, connection: connection)
            guard frames.count >= Self.copyThreshold else {
                for frame in frames {
                    rowsWritten += try connection.run(
                        "upsert_frame",
                        """
                        INSERT INTO car_frames (\(StoreRows.frameColumns))
                        VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
                        ON CONFLICT (vehicle, ecu_time_ms) DO UPDATE SET \(Self.replacing(StoreRows.frameColumns))
                        """, StoreRows.frame(frame, vehicle: vehicles[frame.vehicleID] ?? 0))
                }
                return
            }
            do {
                try connection.transaction {
                    rowsWritten += try copyFrames(
                        frames, vehicles: vehicles, into: "car_frames", connection: connection)
                }
            } catch let error as StoreError where error.sqlState == "23505" {
                rowsWritten += try mergeFrames(frames, vehicles: vehicles, connection: connection)
            }
        }
    }

    /// The `vehicles.id` of every vehicle in `frames`, adding rows for new ones: one statement, and a
    /// second only when another writer added one of them while the first ran.
    private func vehicleKeys(of frames: [CarFrame], connection: PostgresConnection) throws -> [String: Int64] {
        var names: [String] = []
        var seen = Set<String>()
        for frame in frames where seen.insert(frame.vehicleID).inserted { names.append(frame.vehicleID) }
        let wanted = StoreValue.text(PostgresParameters.textArray(names))
        var keys: [String: Int64] = [:]
        let collect = { (row: PostgresRow) in
            if let name = row.string(1), let id = row.int64(0) { keys[name] = id }
        }
        // Sorted inserts: two writers adding the same new cars take their locks in the same order.
        try connection.run(
            "add_vehicles",
            """
            WITH added AS (
              INSERT INTO vehicles (vehicle_id) SELECT DISTINCT name FROM unnest($1::text[]) AS name ORDER BY name
              ON CONFLICT (vehicle_id) DO NOTHING RETURNING id, vehicle_id)
            SELECT id, vehicle_id FROM added
            UNION ALL SELECT id, vehicle_id FROM vehicles WHERE vehicle_id = ANY($1::text[])
            """, [wanted], row: collect)
        if keys.count < names.count {
            try connection.run(
                "vehicle_keys", "SELECT id, vehicle_id FROM vehicles WHERE vehicle_id = ANY($1::text[])", [wanted],
                row: collect)
        }
        guard keys.count == names.count else {
            let missing = names.filter { keys[$0] == nil }.joined(separator: ", ")
            throw StoreError(
                code: .queryFailed, reason: "no vehicles row for \(missing)", location: location.description)
        }
        return keys
    }

    private func copyFrames(
        _ frames: [CarFrame], vehicles: [String: Int64], into table: String, connection: PostgresConnection
    ) throws -> Int {
        try connection.copyIn(
            "COPY \(table) (\(StoreRows.frameColumns)) FROM STDIN (FORMAT binary)", name: "copy_\(table)"
        ) { send in
            var encoder = PostgresCopyEncoder()
            for frame in frames {
                encoder.appendFrame(frame, vehicle: vehicles[frame.vehicleID] ?? 0)
                if encoder.isFull { try send(encoder.take()) }
            }
            try send(encoder.finish())
        }
    }

    private func mergeFrames(_ frames: [CarFrame], vehicles: [String: Int64], connection: PostgresConnection) throws
        -> Int
    {
        // The last frame for a key wins, as a row-by-row upsert would have it.
        var seen = Set<FrameKey>()
        var unique: [CarFrame] = []
        for frame in frames.reversed()
        where seen.insert(FrameKey(vehicleID: frame.vehicleID, ecuTimeMs: frame.ecuTimeMs ?? frame.timeMs)).inserted {
            unique.append(frame)
        }

        // Dropped at commit, so it always has the columns of the `car_frames` it was made from.
        try connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS car_frames_staging (LIKE car_frames) ON COMMIT DROP",
            name: "create_frames_staging")
        try connection.execute("TRUNCATE car_frames_staging", name: "truncate_frames_staging")
        _ = try copyFrames(unique.reversed(), vehicles: vehicles, into: "car_frames_staging", connection: connection)
        return try connection.run(
            "merge_frames",
            """
            INSERT INTO car_frames (\(StoreRows.frameColumns))
            SELECT \(StoreRows.frameColumns) FROM car_frames_staging
            ON CONFLICT (vehicle, ecu_time_ms) DO UPDATE SET \(Self.replacing(StoreRows.frameColumns))
            """)
    }

    /// Along `car_frames_by_time`: the window's index entries of all cars, filtered to the car in the index.
    public func frames(vehicleID: String, fromMs: Int64, toMs: Int64) throws -> [CarFrame] {
        var frames: [CarFrame] = []
        try withConnection { connection in
            try connection.run(
                "frames_by_vehicle",
                """
                SELECT \(StoreRows.frameSelect) FROM \(StoreRows.frameSource)
                WHERE v.vehicle_id = $1 AND f.time_ms >= $2 AND f.time_ms < $3 ORDER BY f.time_ms, f.ecu_time_ms
                """, [.text(vehicleID), .integer(fromMs), .integer(toMs)]
            ) { frames.append(StoreRows.frame($0)) }
        }
        return frames
    }

    public func frames(since timeMs: Int64) throws -> [CarFrame] {
        var frames: [CarFrame] = []
        let sql = """
            SELECT \(StoreRows.frameSelect) FROM \(StoreRows.frameSource)
            WHERE f.time_ms >= $1 ORDER BY v.vehicle_id, f.ecu_time_ms
            """
        try withConnection { connection in
            try connection.run("frames_since", sql, [.integer(timeMs)]) { frames.append(StoreRows.frame($0)) }
        }
        return frames
    }

    /// Retention of frames, oldest first along `car_frames_by_time`: autocommitted DELETEs of at most
    /// `limit` rows (picked by `ctid`, skipping rows another transaction holds) until none older than
    /// `cutoff` is left.
    func expireFrames(cutoff: Int64, limit: Int, batches: inout Int) throws -> Int {
        var total = 0
        while true {
            var oldest: Int64?
            try withConnection { connection in
                try connection.run("oldest_frame", "SELECT min(time_ms) FROM car_frames") { oldest = $0.int64(0) }
            }
            guard let oldest, oldest < cutoff else { return total }
            let deleted = try withConnection { connection in
                try connection.run(
                    "expire_frames",
                    """
                    DELETE FROM car_frames WHERE ctid = ANY(ARRAY(
                      SELECT ctid FROM car_frames WHERE time_ms < $1 ORDER BY time_ms LIMIT $2 FOR UPDATE SKIP LOCKED))
                    """, [.integer(cutoff), .integer(Int64(limit))])
            }
            batches += 1
            total += deleted
            if deleted < limit { return total }
        }
    }
}

/// The key a frame is stored under.
struct FrameKey: Hashable {
    var vehicleID: String
    var ecuTimeMs: Int64
}
