import RaceDomain

/// Telemetry frames in bulk.
extension PostgresRaceStore {
    /// Below this many frames one prepared upsert per frame beats the COPY set-up.
    static let copyThreshold = 64

    /// New frames (the usual case: telemetry moves forward) go straight into `car_frames` with binary
    /// COPY inside a savepoint. If any key is already stored (a redelivered call) the COPY fails on the
    /// key, the savepoint undoes it, and the frames go through a temporary staging table and one
    /// `INSERT … ON CONFLICT DO UPDATE` instead, later frames of the batch winning as in SQLite.
    public func upsertFrames(_ frames: [CarFrame]) throws {
        guard !frames.isEmpty else { return }
        guard frames.count >= Self.copyThreshold else { return try upsertFramesOneByOne(frames) }
        try transaction { connection in
            do {
                try connection.transaction {
                    rowsWritten += try copyFrames(frames, into: "car_frames", connection: connection)
                }
            } catch let error as StoreError where error.sqlState == "23505" {
                rowsWritten += try mergeFrames(frames, connection: connection)
            }
        }
    }

    private func copyFrames(_ frames: [CarFrame], into table: String, connection: PostgresConnection) throws -> Int {
        var encoder = PostgresCopyEncoder()
        for frame in frames { encoder.appendFrame(frame) }
        return try connection.copyIn(
            "COPY \(table) (\(StoreRows.frameColumns)) FROM STDIN (FORMAT binary)", name: "copy_\(table)",
            chunks: encoder.finish())
    }

    private func mergeFrames(_ frames: [CarFrame], connection: PostgresConnection) throws -> Int {
        // The last frame for a key wins, as a row-by-row upsert would have it.
        var seen = Set<FrameKey>()
        var unique: [CarFrame] = []
        for frame in frames.reversed()
        where seen.insert(FrameKey(vehicleID: frame.vehicleID, ecuTimeMs: frame.ecuTimeMs ?? frame.timeMs)).inserted {
            unique.append(frame)
        }

        try connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS car_frames_staging (LIKE car_frames)", name: "create_frames_staging")
        try connection.execute("TRUNCATE car_frames_staging", name: "truncate_frames_staging")
        _ = try copyFrames(unique.reversed(), into: "car_frames_staging", connection: connection)
        return try connection.run(
            "merge_frames",
            """
            INSERT INTO car_frames (\(StoreRows.frameColumns))
            SELECT \(StoreRows.frameColumns) FROM car_frames_staging
            ON CONFLICT (vehicle_id, ecu_time_ms) DO UPDATE SET \(Self.replacing(StoreRows.frameColumns))
            """)
    }

    private func upsertFramesOneByOne(_ frames: [CarFrame]) throws {
        try upsert(
            frames, name: "upsert_frame",
            sql: """
                INSERT INTO car_frames (\(StoreRows.frameColumns))
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
                ON CONFLICT (vehicle_id, ecu_time_ms) DO UPDATE SET \(Self.replacing(StoreRows.frameColumns))
                """,
            values: StoreRows.frame)
    }
}

/// The key a frame is stored under.
struct FrameKey: Hashable {
    var vehicleID: String
    var ecuTimeMs: Int64
}
