/// Private schemas on a PostgreSQL server, for the store benchmark: a URL whose `search_path` points at a
/// new empty schema, and dropping it afterwards.
public enum PostgresSchemas {
    /// Creates `name` (letters, digits and `_` only) and returns `url` pointing the store at it.
    public static func create(_ name: String, on url: String) throws -> String {
        try checked(name)
        let connection = try PostgresConnection(url: url, label: StoreLocation.redactingPassword(url))
        defer { connection.close() }
        try connection.execute("CREATE SCHEMA \(name)", name: "create_schema")
        return url + (url.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(name)"
    }

    public static func drop(_ name: String, on url: String) throws {
        try checked(name)
        PostgresPool.shared(url: url, label: url).drain()
        let connection = try PostgresConnection(url: url, label: StoreLocation.redactingPassword(url))
        defer { connection.close() }
        try connection.execute("DROP SCHEMA IF EXISTS \(name) CASCADE", name: "drop_schema")
    }

    private static func checked(_ name: String) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError(
                code: .badURL, reason: "schema name '\(name)' must be letters, digits and _", location: name)
        }
    }
}
