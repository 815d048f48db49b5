import RaceDomain

/// The durable call queue and the dead letters.
extension PostgresRaceStore {
    public func recordCall(_ call: CallRecord) throws {
        try upsert(
            [call], name: "upsert_call",
            sql: """
                INSERT INTO calls (\(StoreRows.callColumns))
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
                ON CONFLICT (call_id) DO UPDATE SET attempt=excluded.attempt, state=excluded.state,
                  finished_ms=excluded.finished_ms, status=excluded.status, message=excluded.message,
                  worker=excluded.worker, result=coalesce(excluded.result, calls.result),
                  not_before_ms=excluded.not_before_ms, errors=excluded.errors, owner=excluded.owner
                """,
            values: StoreRows.call)
    }

    public func calls(state: CallRecord.State?) throws -> [CallRecord] {
        try selectCalls(
            name: "calls_by_state", condition: "($1::text IS NULL OR state = $1::text)",
            values: [.string(state?.rawValue)])
    }

    public func unfinishedCalls() throws -> [CallRecord] {
        try selectCalls(name: "unfinished_calls", condition: "state IN ('queued', 'running')", values: [])
    }

    public func call(id: String) throws -> CallRecord? {
        try selectCalls(name: "call_by_id", condition: "call_id = $1", values: [.text(id)]).first
    }

    /// `FOR UPDATE SKIP LOCKED`: hosts claiming at the same moment each lock different rows, and a row
    /// another host is claiming is skipped rather than waited for, so no call is claimed twice or lost.
    public func claimUnownedCalls(owner: String) throws -> [CallRecord] {
        var claimed: [CallRecord] = []
        try transaction { connection in
            try connection.run(
                "claim_unowned_calls",
                """
                UPDATE calls SET owner = $1
                WHERE owner IS NULL AND call_id IN (
                  SELECT call_id FROM calls WHERE state = 'queued' AND owner IS NULL
                  ORDER BY enqueued_ms, call_id FOR UPDATE SKIP LOCKED)
                RETURNING \(StoreRows.callColumns)
                """, [.text(owner)]
            ) { claimed.append(StoreRows.call($0)) }
        }
        return claimed.sorted { ($0.enqueuedMs, $0.callID) < ($1.enqueuedMs, $1.callID) }
    }

    public func deadLetter(_ call: CallRecord, nowMs: Int64) throws {
        var failed = call
        failed.state = .failed
        failed.finishedMs = nowMs
        try transaction { connection in
            try recordCall(failed)
            rowsWritten += try connection.run(
                "insert_dead_letter",
                """
                INSERT INTO dead_letters (\(StoreRows.deadLetterColumns))
                SELECT call_id, method, entry, priority, attempt, errors, $1, payload FROM calls WHERE call_id = $2
                ON CONFLICT (call_id) DO UPDATE SET \(Self.replacing(StoreRows.deadLetterColumns))
                """, [.integer(nowMs), .text(call.callID)])
        }
    }

    public func deadLetters() throws -> [DeadLetter] {
        var letters: [DeadLetter] = []
        try withConnection { connection in
            try connection.run(
                "dead_letters", "SELECT \(StoreRows.deadLetterColumns) FROM dead_letters ORDER BY dead_ms, call_id"
            ) { letters.append(StoreRows.deadLetter($0)) }
        }
        return letters
    }

    public func retryDeadLetter(id: String, nowMs: Int64) throws -> Bool {
        try transaction { connection in
            let requeued = try connection.run(
                "requeue_dead_letter",
                """
                UPDATE calls SET state = 'queued', attempt = 1, owner = NULL, finished_ms = NULL, not_before_ms = 0,
                  enqueued_ms = $1, expires_ms = NULL, errors = '', status = NULL, message = 'retried by operator'
                WHERE call_id = $2 AND call_id IN (SELECT call_id FROM dead_letters)
                """, [.integer(nowMs), .text(id)])
            guard requeued == 1 else { return false }
            try connection.run("delete_dead_letter", "DELETE FROM dead_letters WHERE call_id = $1", [.text(id)])
            return true
        }
    }

    public func purgeDeadLetters() throws -> Int {
        try withConnection { try $0.run("purge_dead_letters", "DELETE FROM dead_letters") }
    }

    private func selectCalls(name: String, condition: String, values: [StoreValue?]) throws -> [CallRecord] {
        var calls: [CallRecord] = []
        try withConnection { connection in
            try connection.run(
                name, "SELECT \(StoreRows.callColumns) FROM calls WHERE \(condition) ORDER BY enqueued_ms, call_id",
                values
            ) { calls.append(StoreRows.call($0)) }
        }
        return calls
    }
}
