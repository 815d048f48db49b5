import Foundation
import Testing

@testable import RoadSenseHost
@testable import RoadSenseStore

/// The store from the command line (issue 6): `roadsense migrate [--dry-run]` on both stores, the PG*
/// environment variables filling in what a PostgreSQL URL leaves out, and a PostgreSQL password kept out of the
/// host's log, `ctl status` and the plugins' command lines.
@Suite("The store from the command line", .serialized)
struct StoreCommandTests {
    /// Runs `roadsense ARGUMENTS` with `environment` added; returns its exit status and what it printed.
    static func roadsense(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static var versions: [Int] { knownMigrations.map(\.version) }

    @Test("migrate --dry-run lists what it would apply and applies nothing; migrate applies it; again: nothing")
    func migrateSQLite() throws {
        let path = try TestPaths.temporaryDirectory("migrate").appendingPathComponent("store.sqlite").path
        let (dryStatus, dry) = try Self.roadsense(["migrate", "--store", "sqlite:\(path)", "--dry-run"])
        #expect(dryStatus == 0, "\(dry)")
        #expect(dry.contains("does not exist yet"))
        for migration in knownMigrations {
            #expect(dry.contains("would apply \(migration.version): \(migration.name)"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))

        // A store at version 2 of this build: the dry run lists the rest and changes nothing.
        try openStore(.sqlite(path: path), migrate: false).migrate(upTo: 2)
        let (partialStatus, partial) = try Self.roadsense(["migrate", "--store", "sqlite:\(path)", "--dry-run"])
        #expect(partialStatus == 0)
        #expect(partial.contains("schema version 2 (this build: \(Self.versions.last ?? 0))"))
        #expect(!partial.contains("would apply 2:") && partial.contains("would apply 3:"))
        #expect(try openStore(.sqlite(path: path), migrate: false).appliedMigrations() == [1, 2])

        let (status, applied) = try Self.roadsense(["migrate", "--store", "sqlite:\(path)"])
        #expect(status == 0, "\(applied)")
        for version in Self.versions.dropFirst(2) { #expect(applied.contains("applied \(version):")) }
        #expect(try openStore(.sqlite(path: path), migrate: false).appliedMigrations() == Self.versions)
        let (againStatus, again) = try Self.roadsense(["migrate", "--store", "sqlite:\(path)"])
        #expect(againStatus == 0 && again.contains("up to date; nothing to apply"))
    }

    @Test(
        "PostgreSQL from PG* variables alone: migrate --dry-run, then migrate, into the schema PGOPTIONS names",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func migratePostgresFromEnvironment(kind: StoreKind) throws {
        let location = try StoreKit.freshLocation(.postgres, name: "pgenv")
        defer { StoreKit.dispose(location) }
        guard case .postgres(let url) = location, let range = url.range(of: "search_path%3D") else {
            Issue.record("no schema in \(location)")
            return
        }
        let schema = String(url[range.upperBound...])
        // Where the test server is, as the server itself says: its socket directory or address, port, user, db.
        var environment: [String: String] = ["PGOPTIONS": "-c search_path=\(schema)"]
        try StoreKit.admin { connection in
            try connection.run(
                "where_am_i",
                """
                SELECT current_user, current_database(), current_setting('port'), host(inet_server_addr())
                """
            ) { row in
                environment["PGUSER"] = row.string(0)
                environment["PGDATABASE"] = row.string(1)
                environment["PGPORT"] = row.string(2)
                environment["PGHOST"] = row.string(3)
            }
        }
        // Over a unix socket the server has no address: its directory is the `host=` of the test URL.
        if environment["PGHOST"] == nil {
            environment["PGHOST"] =
                URLComponents(string: StoreKit.postgresURL ?? "")?.queryItems?
                .first { $0.name == "host" }?.value
        }
        try #require(environment["PGHOST"] != nil, "ROADSENSE_TEST_PG names neither a TCP host nor host=SOCKET_DIR")
        // Nothing in the URL but the scheme: libpq takes everything from the environment.
        let (dryStatus, dry) = try Self.roadsense(
            ["migrate", "--store", "postgres://", "--dry-run"], environment: environment)
        #expect(dryStatus == 0, "\(dry)")
        #expect(dry.contains("schema version 0"))
        for migration in knownMigrations {
            #expect(dry.contains("would apply \(migration.version): \(migration.name)"))
        }
        #expect(try openStore(location, migrate: false).appliedMigrations() == [])

        let (status, applied) = try Self.roadsense(["migrate", "--store", "postgres://"], environment: environment)
        #expect(status == 0, "\(applied)")
        #expect(try openStore(location, migrate: false).appliedMigrations() == Self.versions)
    }

    @Test(
        "a PostgreSQL password never reaches the host's log, ctl status or a plugin's command line",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func passwordStaysSecret(kind: StoreKind) throws {
        let location = try StoreKit.freshLocation(.postgres, name: "secret")
        defer { StoreKit.dispose(location) }
        guard case .postgres(let url) = location else { return }
        // The test server trusts its socket, so it ignores the password; the host and plugins carry it anyway.
        let secret = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let withPassword = url.replacingOccurrences(of: "options=", with: "password=\(secret)&options=")
        let harness = try HostHarness(
            replicas: 1, store: .postgres(url: withPassword), schedule: SchedulerTakeoverTests.beat)
        try harness.start()
        defer { harness.stop() }
        #expect(
            try harness.waitOnStore(seconds: 30) { store in
                try store.calls(state: .succeeded).contains { $0.entry == "beat" }
            })

        let status = try harness.status()
        let shown = try #require(status["store"] as? String)
        #expect(shown.contains("password=***") && !shown.contains(secret), "ctl status store: \(shown)")
        #expect((status["store_health"] as? [String: Any])?["location"] as? String == shown)
        #expect(!harness.log.contains(secret))
        #expect(harness.log.contains("password=***"))

        let pids = harness.pluginPIDs()
        #expect(!pids.isEmpty)
        for pid in pids {
            let argv = String(
                decoding: FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data(), as: UTF8.self)
            #expect(!argv.contains(secret), "plugin \(pid) has the password on its command line")
            // The plugin still gets the URL, password included, in its own (0400) environment.
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(variables.contains("ROADSENSE_STORE=\(withPassword)"))
        }
    }
}
