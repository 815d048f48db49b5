import Foundation

/// Retention, resolving alerts and the leader lock.
extension PostgresRaceStore {
    public func resolveAlert(id: String, nowMs: Int64) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                "resolve_alert", "UPDATE alerts SET resolved_ms = $1 WHERE alert_id = $2", [.integer(nowMs), .text(id)])
                == 1
        }
    }

    /// Each batch is one autocommitted DELETE of at most `batchRows` rows (picked by `ctid`), so row locks
    /// are held for one short statement and writers of new rows are never blocked at all.
    public func deleteExpired(_ policy: RetentionPolicy, nowMs: Int64) throws -> RetentionCounts {
        var counts = RetentionCounts()
        let limit = Int64(policy.batchRows)
        if let telemetry = policy.telemetryCutoff(nowMs: nowMs) {
            counts.frames = try expireFrames(cutoff: telemetry, limit: policy.batchRows, batches: &counts.batches)
            counts.carStates = try sweep(table: "car_states", key: "car_key", cutoff: telemetry, limit: limit)
                .run(cutoff: telemetry, limit: policy.batchRows, batches: &counts.batches)
        }

        guard let alertCutoff = policy.alertCutoff(nowMs: nowMs) else { return counts }
        while true {
            let deleted = try withConnection { connection in
                try connection.run(
                    "expire_alerts",
                    """
                    DELETE FROM alerts WHERE ctid = ANY(ARRAY(
                      SELECT ctid FROM alerts WHERE last_raised_ms < $1
                        AND ((resolved_ms IS NOT NULL AND resolved_ms < $1)
                          OR (acknowledged_ms IS NOT NULL AND acknowledged_ms < $1))
                      LIMIT $2 FOR UPDATE SKIP LOCKED))
                    """, [.integer(alertCutoff), .integer(limit)])
            }
            counts.batches += 1
            counts.alerts += deleted
            if deleted < policy.batchRows { return counts }
        }
    }

    /// Retention over `table`, car by car along its (`key`, time_ms) index.
    private func sweep(table: String, key: String, cutoff: Int64, limit: Int64) -> RetentionSweep {
        RetentionSweep(
            nextKey: { after in
                var next: String?
                try self.withConnection { connection in
                    try connection.run(
                        "next_key_\(table)",
                        "SELECT min(\(key)) FROM \(table) WHERE $1::text IS NULL OR \(key) > $1::text",
                        [.string(after)]
                    ) { next = $0.string(0) }
                }
                return next
            },
            oldest: { current in
                var oldest: Int64?
                try self.withConnection { connection in
                    try connection.run(
                        "oldest_\(table)", "SELECT min(time_ms) FROM \(table) WHERE \(key) = $1", [.text(current)]
                    ) { oldest = $0.int64(0) }
                }
                return oldest
            },
            deleteBatch: { current in
                try self.withConnection { connection in
                    try connection.run(
                        "expire_\(table)",
                        """
                        DELETE FROM \(table) WHERE ctid = ANY(ARRAY(
                          SELECT ctid FROM \(table) WHERE \(key) = $1 AND time_ms < $2 LIMIT $3 FOR UPDATE SKIP LOCKED))
                        """, [.text(current), .integer(cutoff), .integer(limit)])
                }
            })
    }

    /// `pg_try_advisory_lock` on a key hashed from the store (database and schema) and the name, held by a
    /// connection of this handle's own: the server frees it when that session ends (the process died or the
    /// connection broke).
    static let leaderKeySQL =
        "hashtextextended('roadsense.leader/' || current_database() || '/' || current_schema() || '/' || $1::text, 0)"

    public func tryAcquireLeaderLock(_ name: String) throws -> Bool {
        if let connection = lockConnection, !connection.ping() {
            // The session that held our locks is gone, and the locks with it.
            connection.close()
            lockConnection = nil
            leaderLocks.removeAll()
        }
        if leaderLocks.contains(name) { return true }
        let connection = try lockConnection ?? PostgresConnection(url: pool.url, label: pool.label)
        lockConnection = connection
        var acquired = false
        try connection.run(
            "try_leader_lock", "SELECT pg_try_advisory_lock(\(Self.leaderKeySQL))",
            [.text(name)]
        ) { acquired = $0.bool(0) ?? false }
        if acquired { leaderLocks.insert(name) }
        return acquired
    }

    public func releaseLeaderLock(_ name: String) throws {
        guard leaderLocks.remove(name) != nil, let connection = lockConnection else { return }
        try connection.run(
            "release_leader_lock", "SELECT pg_advisory_unlock(\(Self.leaderKeySQL))",
            [.text(name)])
    }
}
