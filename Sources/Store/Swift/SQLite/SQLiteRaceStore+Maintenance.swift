import Foundation

/// Retention, resolving alerts and the leader lock.
extension SQLiteRaceStore {
    public func resolveAlert(id: String, nowMs: Int64) throws -> Bool {
        try db.transaction {
            try db.statement("resolve_alert", "UPDATE alerts SET resolved_ms = ? WHERE alert_id = ?")
                .bind([.integer(nowMs), .text(id)]).run()
            return db.changes == 1
        }
    }

    /// Each batch is its own IMMEDIATE transaction of at most `batchRows` rows, so another process's
    /// writer waits (busy timeout) for one short batch at most, never for the whole pass.
    public func deleteExpired(_ policy: RetentionPolicy, nowMs: Int64) throws -> RetentionCounts {
        var counts = RetentionCounts()
        let limit = Int64(policy.batchRows)
        if let telemetry = policy.telemetryCutoff(nowMs: nowMs) {
            counts.frames = try expireFrames(cutoff: telemetry, limit: policy.batchRows, batches: &counts.batches)
            counts.carStates = try sweep(
                table: "car_states", key: "car_key", cutoff: telemetry, limit: limit,
                delete: """
                    DELETE FROM car_states WHERE (car_key, time_ms) IN
                      (SELECT car_key, time_ms FROM car_states WHERE car_key = ? AND time_ms < ? LIMIT ?)
                    """
            ).run(cutoff: telemetry, limit: policy.batchRows, batches: &counts.batches)
        }

        guard let alertCutoff = policy.alertCutoff(nowMs: nowMs) else { return counts }
        while true {
            let deleted = try db.transaction {
                try db.statement(
                    "expire_alerts",
                    """
                    DELETE FROM alerts WHERE alert_id IN
                      (SELECT alert_id FROM alerts WHERE last_raised_ms < ?1
                         AND ((resolved_ms IS NOT NULL AND resolved_ms < ?1)
                           OR (acknowledged_ms IS NOT NULL AND acknowledged_ms < ?1))
                       LIMIT ?2)
                    """
                ).bind([.integer(alertCutoff), .integer(limit)]).run()
                return db.changes
            }
            counts.batches += 1
            counts.alerts += deleted
            if deleted < policy.batchRows { return counts }
        }
    }

    /// Retention over `table`, car by car along its (`key`, time_ms) index.
    private func sweep(table: String, key: String, cutoff: Int64, limit: Int64, delete: String) -> RetentionSweep {
        RetentionSweep(
            nextKey: { after in
                var next: String?
                try self.db.statement(
                    "next_key_\(table)", "SELECT min(\(key)) FROM \(table) WHERE ?1 IS NULL OR \(key) > ?1"
                ).bind([.string(after)]).query { next = $0.string(0) }
                return next
            },
            oldest: { current in
                var oldest: Int64?
                try self.db.statement("oldest_\(table)", "SELECT min(time_ms) FROM \(table) WHERE \(key) = ?")
                    .bind([.text(current)]).query { oldest = $0.int64(0) }
                return oldest
            },
            deleteBatch: { current in
                try self.db.transaction {
                    try self.db.statement("expire_\(table)", delete)
                        .bind([.text(current), .integer(cutoff), .integer(limit)]).run()
                    return self.db.changes
                }
            })
    }

    /// The lock file for `name`, beside the database: `roadsense.sqlite.leader-scheduler.lock`.
    func leaderLockPath(_ name: String) -> String {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return db.path + ".leader-" + safe + ".lock"
    }

    /// An exclusive, non-blocking `flock` on the lock file; the kernel drops it when the process dies.
    public func tryAcquireLeaderLock(_ name: String) throws -> Bool {
        if leaderLocks[name] != nil { return true }
        let path = leaderLockPath(name)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(
                code: .lockFailed, reason: "cannot open lock file \(path): \(String(cString: strerror(errno)))",
                location: db.path)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(fd)
            if failure == EWOULDBLOCK { return false }
            throw StoreError(
                code: .lockFailed, reason: "cannot lock \(path): \(String(cString: strerror(failure)))",
                location: db.path)
        }
        leaderLocks[name] = fd
        return true
    }

    public func releaseLeaderLock(_ name: String) throws {
        guard let fd = leaderLocks.removeValue(forKey: name) else { return }
        flock(fd, LOCK_UN)
        close(fd)
    }
}
