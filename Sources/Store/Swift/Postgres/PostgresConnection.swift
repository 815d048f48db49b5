import CLibPQ
import Foundation

/// Owns one `PGconn`. Confined to one thread at a time (the pool hands it out to one user): every call
/// blocks in libpq, so callers run it on their own thread, never on Swift's cooperative pool. Statements
/// run with `PQexecPrepared` (prepared once per connection, by name); every value is a bound parameter.
final class PostgresConnection {
    private var handle: OpaquePointer?
    /// The URL without its password, for messages.
    let label: String
    /// Names of the statements prepared on this connection.
    private var prepared: Set<String> = []
    /// Open `transaction` calls; an inner one becomes a savepoint.
    private var transactionDepth = 0
    /// Whether the current transaction has issued BEGIN (a lazy one begins at its first statement).
    private var begun = false
    /// When this connection last answered; the pool checks an idle one before handing it out again.
    var lastUsed = Date()

    /// Connects to `url` (a libpq URI; the PG* environment variables fill in what it leaves out). A server
    /// that cannot be reached is an `unavailable` error, which callers retry.
    /// `applicationName` shows in `pg_stat_activity` (the scheduler's lock session has a name of its own).
    init(url: String, label: String, connectTimeoutSeconds: Int = 5, applicationName: String = "roadsense") throws {
        self.label = label
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = [String(connectTimeoutSeconds), applicationName, url]
        let conn = Self.withCStrings(keywords) { k in
            Self.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let text = conn.map { Self.trimmed(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(conn)
            throw StoreError(
                code: .unavailable,
                reason: "cannot connect to PostgreSQL (\(text)); check the server is running and the URL, "
                    + "user and database are right", location: label)
        }
        handle = conn
        clibpq_silence_notices(conn)
    }

    deinit { close() }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared.removeAll()
    }

    /// False once the server has gone away or the connection broke.
    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Whether a transaction is open (a connection returned in one is not reused).
    var inTransaction: Bool { handle.map { PQtransactionStatus($0) != PQTRANS_IDLE } ?? false }

    /// A round trip to the server: false if it does not answer.
    func ping() -> Bool {
        guard let handle, let result = PQexec(handle, "SELECT 1") else { return false }
        defer { PQclear(result) }
        return PQresultStatus(result) == PGRES_TUPLES_OK
    }

    // MARK: Running SQL

    /// Runs SQL without parameters (DDL, BEGIN/COMMIT; several statements separated by `;`).
    func execute(_ sql: String, name: String) throws {
        try beginIfNeeded(for: name)
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, query: name, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        lastUsed = Date()
    }

    /// Runs the named prepared statement with `values` bound as $1…$n, calling `row` for each result row;
    /// returns the rows affected (for INSERT/UPDATE/DELETE) or returned.
    @discardableResult
    func run(_ name: String, _ sql: String, _ values: [StoreValue?] = [], row: (PostgresRow) throws -> Void = { _ in })
        throws -> Int
    {
        try beginIfNeeded(for: name)
        if !prepared.contains(name) {
            let result = PQprepare(handle, name, sql, Int32(values.count), nil)
            defer { PQclear(result) }
            try check(result, query: name, expecting: [PGRES_COMMAND_OK])
            prepared.insert(name)
        }
        let result = PostgresParameters(values).withArrays { count, pointers, lengths, formats in
            PQexecPrepared(handle, name, count, pointers, lengths, formats, 0)
        }
        defer { PQclear(result) }
        try check(result, query: name, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        lastUsed = Date()
        let tuples = Int(PQntuples(result))
        if let result {
            for index in 0..<Int32(tuples) { try row(PostgresRow(result: result, row: index)) }
        }
        let affected = String(cString: PQcmdTuples(result))
        return Int(affected) ?? tuples
    }

    /// `COPY … FROM STDIN (FORMAT binary)`: `produce` encodes the stream (see `PostgresCopyEncoder`) and
    /// hands it over chunk by chunk through the function it is given, which sends each chunk at once, so
    /// the server parses and inserts one chunk while the next is being encoded. Returns the rows the server
    /// took. If `produce` throws, the COPY is cancelled and the error passed on.
    func copyIn(_ sql: String, name: String, produce: (_ send: ([UInt8]) throws -> Void) throws -> Void) throws -> Int {
        try beginIfNeeded(for: name)
        let start = PQexec(handle, sql)
        defer { PQclear(start) }
        try check(start, query: name, expecting: [PGRES_COPY_IN])
        var abandoned: Error?
        do {
            try produce { chunk in
                let sent = chunk.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        PQputCopyData(handle, $0.baseAddress, Int32($0.count)) == 1
                    }
                }
                if !sent {
                    throw StoreError(
                        code: isConnected ? .queryFailed : .unavailable,
                        reason: "sending COPY data failed: " + Self.trimmed(PQerrorMessage(handle)), location: label,
                        query: name)
                }
            }
        } catch {
            abandoned = error
        }
        PQputCopyEnd(handle, abandoned == nil ? nil : "roadsense: COPY abandoned by the client")
        var rows = 0
        var failure: StoreError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            do {
                try check(result, query: name, expecting: [PGRES_COMMAND_OK])
                rows += Int(String(cString: PQcmdTuples(result))) ?? 0
            } catch let error as StoreError {
                failure = failure ?? error
            }
        }
        if let abandoned { throw abandoned }
        if let failure { throw failure }
        lastUsed = Date()
        return rows
    }

    // MARK: Transactions

    /// Runs `body` in one transaction, committing on success and rolling back on a throw. Called inside
    /// another transaction it becomes a savepoint: if it throws, only its own writes are undone. A `lazy`
    /// transaction sends BEGIN only before its first statement, so a batch that runs nothing costs nothing.
    func transaction<T>(lazy: Bool = false, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try savepoint(body) }
        transactionDepth += 1
        defer {
            transactionDepth -= 1
            begun = false
        }
        if !lazy { try beginIfNeeded(for: "begin") }
        do {
            let value = try body()
            if begun {
                begun = false
                try execute("COMMIT", name: "commit")
            }
            return value
        } catch {
            if begun {
                begun = false
                try? execute("ROLLBACK", name: "rollback")
            }
            throw error
        }
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        try beginIfNeeded(for: "savepoint")
        let name = "rs_\(transactionDepth)"
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        try execute("SAVEPOINT \(name)", name: "savepoint")
        do {
            let value = try body()
            try execute("RELEASE SAVEPOINT \(name)", name: "release")
            return value
        } catch {
            try? execute("ROLLBACK TO SAVEPOINT \(name)", name: "rollback_to")
            try? execute("RELEASE SAVEPOINT \(name)", name: "release")
            throw error
        }
    }

    private func beginIfNeeded(for name: String) throws {
        guard transactionDepth > 0 && !begun else { return }
        begun = true
        do {
            try execute("BEGIN", name: "begin")
        } catch {
            begun = false
            throw error
        }
    }

    // MARK: Errors

    /// Throws unless `result` has one of the expected statuses. A lost connection or a server shutting
    /// down is `unavailable`; a serialization failure or deadlock is `busy` (retry); the rest `queryFailed`.
    private func check(_ result: OpaquePointer?, query: String, expecting: [ExecStatusType]) throws {
        if let result, expecting.contains(PQresultStatus(result)) { return }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        let text = result.map { Self.trimmed(PQresultErrorMessage($0)) } ?? ""
        let reason = text.isEmpty ? Self.trimmed(PQerrorMessage(handle)) : text
        let code: StoreError.Code
        if !isConnected || state?.hasPrefix("08") == true || ["57P01", "57P02", "57P03"].contains(state ?? "") {
            code = .unavailable
        } else if state == "40001" || state == "40P01" || state == "55P03" {
            code = .busy
        } else {
            code = .queryFailed
        }
        throw StoreError(code: code, reason: reason, location: label, query: query, sqlState: state)
    }

    static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { UnsafePointer(strdup($0)) } + [nil]
        defer { for pointer in copies { free(UnsafeMutablePointer(mutating: pointer)) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
