import RaceDomain

/// The durable call queue and the dead letters.
extension SQLiteRaceStore {
    static let callColumns = """
        call_id, method, priority, attempt, state, enqueued_ms, finished_ms, status, message, worker, entry,
        payload, result, max_attempts, timeout_ms, expires_ms, not_before_ms, errors, owner
        """

    public func recordCall(_ call: CallRecord) throws {
        try upsert(
            [call], name: "upsert_call",
            sql: """
                INSERT INTO calls (\(Self.callColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (call_id) DO UPDATE SET attempt=excluded.attempt, state=excluded.state,
                  finished_ms=excluded.finished_ms, status=excluded.status, message=excluded.message,
                  worker=excluded.worker, result=coalesce(excluded.result, result),
                  not_before_ms=excluded.not_before_ms, errors=excluded.errors, owner=excluded.owner
                """
        ) { c in
            let payload: SQLiteValue? = c.payload.map { .blob($0) }
            let result: SQLiteValue? = c.result.map { .blob($0) }
            let head: [SQLiteValue?] = [
                .text(c.callID), .text(c.method), .integer(Int64(c.priority)), .integer(Int64(c.attempt)),
                .text(c.state.rawValue), .integer(c.enqueuedMs), .int64(c.finishedMs), .string(c.status),
                .string(c.message), .string(c.worker), .text(c.entry), payload, result,
            ]
            let tail: [SQLiteValue?] = [
                .integer(Int64(c.maxAttempts)), .integer(c.timeoutMs), .int64(c.expiresMs), .integer(c.notBeforeMs),
                .text(Self.joinErrors(c.errors)), .string(c.owner),
            ]
            return head + tail
        }
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
        let sql = """
            SELECT call_id, method, entry, priority, attempts, errors, dead_ms, payload FROM dead_letters
            ORDER BY dead_ms, call_id
            """
        try db.statement("dead_letters", sql).query { r in
            letters.append(
                DeadLetter(
                    callID: r.string(0) ?? "", method: r.string(1) ?? "", entry: r.string(2) ?? "",
                    priority: r.int(3) ?? 2, attempts: r.int(4) ?? 0, errors: Self.splitErrors(r.string(5)),
                    deadMs: r.int64(6) ?? 0, payload: r.blob(7)))
        }
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

    private func selectCalls(name: String, condition: String, values: [SQLiteValue?]) throws -> [CallRecord] {
        var calls: [CallRecord] = []
        let sql = "SELECT \(Self.callColumns) FROM calls WHERE \(condition) ORDER BY enqueued_ms, call_id"
        try db.statement(name, sql).bind(values).query { r in
            calls.append(
                CallRecord(
                    callID: r.string(0) ?? "", method: r.string(1) ?? "", priority: r.int(2) ?? 2,
                    attempt: r.int(3) ?? 1, state: CallRecord.State(rawValue: r.string(4) ?? "") ?? .queued,
                    enqueuedMs: r.int64(5) ?? 0, finishedMs: r.int64(6), status: r.string(7), message: r.string(8),
                    worker: r.string(9), entry: r.string(10) ?? "", payload: r.blob(11), result: r.blob(12),
                    maxAttempts: r.int(13) ?? 3, timeoutMs: r.int64(14) ?? 5000, expiresMs: r.int64(15),
                    notBeforeMs: r.int64(16) ?? 0, errors: Self.splitErrors(r.string(17)), owner: r.string(18)))
        }
        return calls
    }

    /// Errors are stored one per line.
    static func joinErrors(_ errors: [String]) -> String {
        errors.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
    }

    static func splitErrors(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init)
    }
}
