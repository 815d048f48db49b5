import Foundation
import Testing

@testable import RoadSenseStore

/// Which store a conformance test runs against.
enum StoreKind: String, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    var description: String { rawValue }

    /// SQLite always; PostgreSQL when `ROADSENSE_TEST_PG` names a server — and always in CI (`CI` set),
    /// where a missing server then fails every PostgreSQL test instead of skipping it.
    static let available: [StoreKind] = {
        if StoreKit.postgresURL != nil || StoreKit.inCI { return [.sqlite, .postgres] }
        FileHandle.standardError.write(
            Data(
                ("NOTE: PostgreSQL store tests SKIPPED: ROADSENSE_TEST_PG is not set and CI is not set. "
                    + "`make test` starts a throwaway cluster (scripts/pg-test-cluster.sh) and runs them.\n").utf8))
        return [.sqlite]
    }()
}

/// Fresh, private stores for the conformance tests: a SQLite file in a temporary directory, or a new
/// PostgreSQL schema on the `ROADSENSE_TEST_PG` server (the URL's `search_path` points the store at it),
/// dropped afterwards.
enum StoreKit {
    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["ROADSENSE_TEST_PG"] ?? ""
        return url.isEmpty ? nil : url
    }()

    static let inCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// The store URL of a fresh empty database of `kind` (nothing created in it yet).
    static func freshLocation(_ kind: StoreKind, name: String) throws -> StoreLocation {
        switch kind {
        case .sqlite:
            return .sqlite(path: try TestPaths.temporaryDirectory(name).appendingPathComponent("s.sqlite").path)
        case .postgres:
            guard let base = postgresURL else {
                throw StoreError(
                    code: .unavailable,
                    reason: "ROADSENSE_TEST_PG is not set, and CI must run the PostgreSQL tests: start a cluster "
                        + "with scripts/pg-test-cluster.sh start DIR and export the URL it prints",
                    location: "ROADSENSE_TEST_PG")
            }
            let schema =
                "rs_\(name.filter { $0.isLetter || $0.isNumber })_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
                .lowercased()
            try admin { try $0.execute("CREATE SCHEMA \(schema)", name: "create_test_schema") }
            let separator = base.contains("?") ? "&" : "?"
            return .postgres(url: base + separator + "options=-c%20search_path%3D\(schema)")
        }
    }

    /// Runs `body` with a fresh store of `kind` (migrated unless `migrate` is false), then drops it.
    static func with(
        _ kind: StoreKind, _ name: String = #function, migrate: Bool = true,
        _ body: (RaceStore, StoreLocation) throws -> Void
    ) throws {
        let location = try freshLocation(kind, name: name)
        defer { dispose(location) }
        let store = try openStore(location, migrate: migrate)
        try body(store, location)
    }

    /// Closes the location's pooled connections and drops its schema (PostgreSQL).
    static func dispose(_ location: StoreLocation) {
        guard case .postgres(let url) = location else { return }
        PostgresPool.shared(url: url, label: url).drain()
        if let range = url.range(of: "search_path%3D") {
            let schema = String(url[range.upperBound...])
            try? admin { try $0.execute("DROP SCHEMA \(schema) CASCADE", name: "drop_test_schema") }
        }
    }

    /// Runs `body` on a connection of its own to the `ROADSENSE_TEST_PG` server (outside any test schema).
    static func admin(_ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection(url: postgresURL ?? "", label: "ROADSENSE_TEST_PG")
        defer { connection.close() }
        try body(connection)
    }
}
