/// Every failure of the store, with what it was doing.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let cannotOpen = Code("cannot_open")
        public static let busy = Code("busy")
        public static let queryFailed = Code("query_failed")
        public static let badURL = Code("bad_url")
        public static let migrationFailed = Code("migration_failed")
        /// The database cannot be reached (PostgreSQL down, connection lost); maps to the UNAVAILABLE status.
        public static let unavailable = Code("unavailable")
        /// A lock the store hands out (the scheduler's leader lock) could not be taken or released.
        public static let lockFailed = Code("lock_failed")
    }

    public var code: Code
    public var reason: String
    /// The database path or URL.
    public var location: String
    /// The named query that failed, if any.
    public var query: String?
    /// PostgreSQL's SQLSTATE for the failure (e.g. `23505` unique violation), when the server sent one.
    public var sqlState: String?

    public init(code: Code, reason: String, location: String, query: String? = nil, sqlState: String? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
        self.query = query
        self.sqlState = sqlState
    }

    /// Busy or locked databases and lost connections clear up on their own; everything else needs a person.
    public var isRetryable: Bool { code == .busy || code == .unavailable }

    /// The gRPC status name a call failing with this error reports.
    public var statusName: String { code == .unavailable || code == .busy ? "UNAVAILABLE" : "INTERNAL" }

    public var description: String {
        let what = query.map { " (query \($0))" } ?? ""
        return "store \(location)\(what): \(reason)"
    }
}
