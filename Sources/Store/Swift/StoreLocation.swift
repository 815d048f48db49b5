import Foundation

/// Where the store lives, parsed from `--store URL`: `sqlite:PATH` (the default) or a PostgreSQL URL,
/// `postgres://USER@HOST[:PORT]/DB` (libpq's own URI syntax, so `?host=/socket/dir`, `sslmode=…` and the
/// `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE` environment variables fill in what it leaves out).
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static func parse(_ text: String) throws -> StoreLocation {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw StoreError(
                    code: .badURL, reason: "sqlite: needs a file path, e.g. sqlite:/tmp/rs.sqlite", location: text)
            }
            return .sqlite(path: path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(url: text)
        }
        throw StoreError(
            code: .badURL, reason: "unknown store URL; use sqlite:PATH or postgres://USER@HOST[:PORT]/DB",
            location: text)
    }

    /// `$ROADSENSE_HOME/roadsense.sqlite`, by default `~/.local/state/roadsense/roadsense.sqlite`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> StoreLocation
    {
        .sqlite(path: RoadSensePaths.stateDirectory(environment: environment) + "/roadsense.sqlite")
    }

    /// The URL as given, password included: what another process needs to open the same store.
    public var url: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url
        }
    }

    /// The URL as given, except a PostgreSQL password, which never reaches a log line.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redactingPassword(url)
        }
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; also `password=` in the query.
    static func redactingPassword(_ url: String) -> String {
        var text = url
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        if let password = text.range(of: "password=") {
            let end = text[password.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(password.upperBound..<end, with: "***")
        }
        return text
    }
}
