import CSQLite

/// A prepared statement owned by its connection. Parameters are bound by 1-based index; every value
/// reaches SQLite as a bound parameter, never as text spliced into SQL.
public final class SQLiteStatement {
    private let raw: OpaquePointer
    let name: String
    private unowned let connection: SQLiteConnection

    init(raw: OpaquePointer, name: String, connection: SQLiteConnection) {
        self.raw = raw
        self.name = name
        self.connection = connection
    }

    deinit { sqlite3_finalize(raw) }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    /// Binds `values` in order; nil binds NULL.
    @discardableResult
    public func bind(_ values: [StoreValue?]) -> SQLiteStatement {
        reset()
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .none: sqlite3_bind_null(raw, index)
            case .integer(let v): sqlite3_bind_int64(raw, index, v)
            case .real(let v): sqlite3_bind_double(raw, index, v)
            case .text(let v): sqlite3_bind_text(raw, index, v, -1, csqlite_transient())
            case .blob(let v):
                v.withUnsafeBytes { bytes in
                    _ = sqlite3_bind_blob(raw, index, bytes.baseAddress, Int32(bytes.count), csqlite_transient())
                }
            }
        }
        return self
    }

    /// Binds one integer parameter (nil: NULL) in place, for loops that bind every parameter of each row
    /// and then `run`: no reset, no clearing, no array of values per row.
    public func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Binds one real parameter in place; nil and non-finite values bind NULL, as `StoreValue.double` does.
    public func bind(_ index: Int32, _ value: Double?) {
        if let value, value.isFinite { sqlite3_bind_double(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Runs a statement that returns no rows.
    public func run() throws {
        try connection.beginIfNeeded()
        let rc = sqlite3_step(raw)
        defer { sqlite3_reset(raw) }
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw connection.lastError(rc, query: name) }
    }

    /// Runs a query, calling `row` for each result row.
    public func query(_ row: (SQLiteRow) throws -> Void) throws {
        defer { sqlite3_reset(raw) }
        while true {
            let rc = sqlite3_step(raw)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw connection.lastError(rc, query: name) }
            try row(SQLiteRow(raw: raw))
        }
    }
}

/// The current row of a running query; valid only inside the `query` callback.
public struct SQLiteRow: StoreRow {
    let raw: OpaquePointer

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    public func int64(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(raw, column) }
    public func int(_ column: Int32) -> Int? { int64(column).map { Int($0) } }
    public func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(raw, column) }
    public func blob(_ column: Int32) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let bytes = sqlite3_column_blob(raw, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    public func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(raw, column) else { return nil }
        return String(cString: text)
    }
}
