import Foundation

/// Where the store lives, parsed from `--store URL`: `sqlite:PATH` (default) or, later, `postgres://…`.
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)

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
            throw StoreError(
                code: .badURL, reason: "PostgreSQL is not supported by this build yet (issue #6); use sqlite:PATH",
                location: text)
        }
        throw StoreError(code: .badURL, reason: "unknown store URL; use sqlite:PATH", location: text)
    }

    /// `$ROADSENSE_HOME/roadsense.sqlite`, by default `~/.local/state/roadsense/roadsense.sqlite`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> StoreLocation
    {
        .sqlite(path: RoadSensePaths.stateDirectory(environment: environment) + "/roadsense.sqlite")
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}
