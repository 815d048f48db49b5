import RaceDomain

/// The durable call queue and the dead letters.
extension SQLiteRaceStore {
    public func recordCall(_ call: CallRecord) throws {
        try upsert(
            [call], name: "upsert_call",
            sql: """
                INSERT INTO calls (\(StoreRows.callColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (call_id) DO UPDATE SET attempt=excluded.attempt, state=excluded.state,
                  finished_ms=excluded.finished_ms, status=excluded.status, message=excluded.message,
                  worker=excluded.worker, result=coalesce(excluded.result, result),
                  not_before_ms=excluded.not_before_ms, errors=excluded.errors, owner=excluded.owner
                """,
            values: StoreRows.call
        )
    }

    public func calls(state: CallRecord.State?) throws -> [CallRecord] {
        try selectCalls(
            name: "calls_by_state", condition: "(?1 IS NULL OR state = ?1)", values: [.string(state?.rawValue)])
    }

    public func unfinishedCalls() throws -> [CallRecord] {
        try selectCalls(name: "unfinished_calls", condition: "state IN ('queued', 'running')", values: [])
    }

    public func call(id: String) throws -> CallRecord? {
        try selectCalls(name: "call_by_id", condition: "call_id = ?1", values: [.text(id)]).first
    }

    public func claimUnownedCalls(owner: String) throws -> [CallRecord] {
        try db.transaction {
            let claimed = try selectCalls(
                name: "unowned_calls", condition: "state = 'queued' AND owner IS NULL", values: [])
            let claim = try db.statement("claim_call", "UPDATE calls SET owner = ? WHERE call_id = ? AND owner IS NULL")
            for call in claimed { try claim.bind([.text(owner), .text(call.callID)]).run() }
            return claimed.map {
                var call = $0
                call.owner = owner
                return call
            }
        }
    }

    public func deadLetter(_ call: CallRecord, nowMs: Int64) throws {
        var failed = call
        failed.state = .failed
        failed.finishedMs = nowMs
        try db.transaction {
            try recordCall(failed)
            try db.statement(
                "insert_dead_letter",
                """
                INSERT OR REPLACE INTO dead_letters
                  (call_id, method, entry, priority, attempts, errors, dead_ms, payload)
                SELECT call_id, method, entry, priority, attempt, errors, ?, payload FROM calls WHERE call_id = ?
                """
            ).bind([.integer(nowMs), .text(call.callID)]).run()
            rowsWritten += db.changes
        }
    }

    public func deadLetters() throws -> [DeadLetter] {
        var letters: [DeadLetter] = []
        let sql = "SELECT \(StoreRows.deadLetterColumns) FROM dead_letters ORDER BY dead_ms, call_id"
        try db.statement("dead_letters", sql).query { letters.append(StoreRows.deadLetter($0)) }
        return letters
    }

    public func retryDeadLetter(id: String, nowMs: Int64) throws -> Bool {
        try db.transaction {
            try db.statement(
                "requeue_dead_letter",
                """
                UPDATE calls SET state = 'queued', attempt = 1, owner = NULL, finished_ms = NULL, not_before_ms = 0,
                  enqueued_ms = ?, expires_ms = NULL, errors = '', status = NULL, message = 'retried by operator'
                WHERE call_id = ? AND call_id IN (SELECT call_id FROM dead_letters)
                """
            ).bind([.integer(nowMs), .text(id)]).run()
            guard db.changes == 1 else { return false }
            try db.statement("delete_dead_letter", "DELETE FROM dead_letters WHERE call_id = ?").bind([.text(id)]).run()
            return true
        }
    }

    public func purgeDeadLetters() throws -> Int {
        try db.transaction {
            try db.statement("purge_dead_letters", "DELETE FROM dead_letters").run()
            return db.changes
        }
    }

    private func selectCalls(name: String, condition: String, values: [StoreValue?]) throws -> [CallRecord] {
        var calls: [CallRecord] = []
        let sql = "SELECT \(StoreRows.callColumns) FROM calls WHERE \(condition) ORDER BY enqueued_ms, call_id"
        try db.statement(name, sql).bind(values).query { calls.append(StoreRows.call($0)) }
        return calls
    }
}
