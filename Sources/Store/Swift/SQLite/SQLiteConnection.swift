import CSQLite
import Foundation

/// Owns one `sqlite3*` handle. Confined to the thread that uses it (not Sendable): every call blocks in
/// `sqlite3_step`, so callers run it on their own thread, never on Swift's cooperative pool.
public final class SQLiteConnection {
    private var handle: OpaquePointer?
    public let path: String
    private var statements: [String: SQLiteStatement] = [:]
    /// Open `transaction` calls; an inner one joins the outer transaction.
    private var transactionDepth = 0
    /// Whether the current transaction has issued BEGIN.
    private var begun = false

    /// Opens (creating if needed) the database at `path` in WAL mode with a busy timeout, so that several
    /// processes can write: SQLite serialises writers, and a writer that finds the lock taken waits up to
    /// `busyTimeoutMs` instead of failing with "database is locked".
    /// `cacheKiB`: the page cache. 32 MB suits bulk telemetry writers (their batches touch the frame table's
    /// indexes widely); the host, which writes small call rows, uses SQLite's own 2 MB to stay lean.
    public init(path: String, busyTimeoutMs: Int32 = 10_000, cacheKiB: Int = 32_768) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let text = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(
                code: .cannotOpen, reason: "cannot open (\(text)); check the directory exists and is writable",
                location: path)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMs)
        try execute("PRAGMA journal_mode=WAL", name: "pragma_wal")
        try execute("PRAGMA synchronous=NORMAL", name: "pragma_synchronous")
        try execute("PRAGMA cache_size=-\(max(cacheKiB, 64))", name: "pragma_cache_size")
        // Statement journals in memory: a multi-row upsert keeps one (so a failing row undoes its whole
        // statement), and past 64 KiB SQLite spills it to a temporary file — two of every three writes of a
        // bulk frame insert went there (BENCHMARKS.md, Store).
        try execute("PRAGMA temp_store=MEMORY", name: "pragma_temp_store")
        try execute("PRAGMA foreign_keys=ON", name: "pragma_foreign_keys")
    }

    deinit { close() }

    public func close() {
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs SQL that returns no rows (DDL, pragmas, several statements separated by `;`).
    public func execute(_ sql: String, name: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        if rc != SQLITE_OK && rc != SQLITE_ROW {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            throw error(rc, text, query: name)
        }
    }

    /// A prepared statement, cached by its name for the life of the connection.
    public func statement(_ name: String, _ sql: String) throws -> SQLiteStatement {
        if let cached = statements[name] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            throw error(rc, String(cString: sqlite3_errmsg(handle)), query: name)
        }
        let statement = SQLiteStatement(raw: raw, name: name, connection: self)
        statements[name] = statement
        return statement
    }

    /// Runs `body` in one IMMEDIATE transaction (takes the write lock up front, so two writers never
    /// deadlock upgrading a read lock), committing on success and rolling back on a throw. Called inside
    /// another transaction, it joins it.
    ///
    /// A `lazy` transaction begins only at its first write (`beginIfNeeded`), so a batch that ends up
    /// writing nothing costs nothing.
    public func transaction<T>(lazy: Bool = false, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try savepoint(body) }
        transactionDepth += 1
        defer {
            transactionDepth -= 1
            begun = false
        }
        if !lazy { try beginIfNeeded() }
        do {
            let value = try body()
            if begun { try execute("COMMIT", name: "commit") }
            return value
        } catch {
            if begun { try? execute("ROLLBACK", name: "rollback") }
            throw error
        }
    }

    /// A transaction inside another runs as a savepoint: if it throws, its own writes are undone and the
    /// outer transaction goes on without them.
    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        try beginIfNeeded()
        let name = "rs_\(transactionDepth)"
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        try execute("SAVEPOINT \(name)", name: "savepoint")
        do {
            let value = try body()
            try execute("RELEASE \(name)", name: "release")
            return value
        } catch {
            try? execute("ROLLBACK TO \(name)", name: "rollback_to")
            try? execute("RELEASE \(name)", name: "release")
            throw error
        }
    }

    /// Runs one write statement: inside the open transaction (begun if still pending), else on its own.
    /// A single statement needs no savepoint: SQLite undoes a failed statement's own changes.
    public func singleStatement<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { try beginIfNeeded() }
        return try body()
    }

    /// Opens the pending transaction before a write.
    func beginIfNeeded() throws {
        guard transactionDepth > 0 && !begun else { return }
        try execute("BEGIN IMMEDIATE", name: "begin")
        begun = true
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The most parameters one statement may have (`SQLITE_LIMIT_VARIABLE_NUMBER`, 32766 since SQLite 3.32).
    public var parameterLimit: Int { Int(sqlite3_limit(handle, SQLITE_LIMIT_VARIABLE_NUMBER, -1)) }

    func error(_ rc: Int32, _ text: String, query: String?) -> StoreError {
        let primary = rc & 0xff
        let code: StoreError.Code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? .busy : .queryFailed
        return StoreError(code: code, reason: text, location: path, query: query)
    }

    func lastError(_ rc: Int32, query: String) -> StoreError {
        error(rc, String(cString: sqlite3_errmsg(handle)), query: query)
    }
}
