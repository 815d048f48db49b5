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
    }

    public var code: Code
    public var reason: String
    /// The database path or URL.
    public var location: String
    /// The named query that failed, if any.
    public var query: String?

    public init(code: Code, reason: String, location: String, query: String? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
        self.query = query
    }

    /// Busy or locked databases clear up on their own; everything else needs a person.
    public var isRetryable: Bool { code == .busy }

    public var description: String {
        let what = query.map { " (query \($0))" } ?? ""
        return "store \(location)\(what): \(reason)"
    }
}
