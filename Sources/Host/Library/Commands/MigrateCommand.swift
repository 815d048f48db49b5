import Foundation
import RoadSenseStore

/// `roadsense migrate [--store URL] [--config FILE] [--dry-run]`: brings the store's schema to this
/// build's version (the host also does so when it starts), or with --dry-run only says what it would do.
struct MigrateCommand {
    var store: StoreLocation
    var dryRun: Bool

    static func parse(_ cursor: inout ArgumentCursor) throws -> MigrateCommand {
        var store: String?
        var configFile: String?
        var dryRun = false
        while let argument = cursor.next() {
            switch argument {
            case "--store": store = try cursor.value(for: argument)
            case "--config": configFile = try cursor.value(for: argument)
            case "--dry-run": dryRun = true
            default: throw HostError(.usage, "unknown option '\(argument)' for migrate")
            }
        }
        let config = try configFile.map { try HostConfiguration.load(file: $0) } ?? .defaults()
        return MigrateCommand(store: try StoreLocation.parse(store ?? config.store), dryRun: dryRun)
    }

    func execute() throws -> Int32 {
        if dryRun, case .sqlite(let path) = store, !FileManager.default.fileExists(atPath: path) {
            print("store \(store): does not exist yet; migrate would create it with every migration:")
            for migration in knownMigrations { print("  would apply \(migration.version): \(migration.name)") }
            return 0
        }
        let handle = try openStore(store, migrate: false)
        let applied = try handle.appliedMigrations()
        let pending = knownMigrations.filter { !applied.contains($0.version) }
        let latest = knownMigrations.last?.version ?? 0
        print("store \(store): schema version \(applied.last ?? 0) (this build: \(latest))")
        if let unknown = applied.last, unknown > latest {
            print("  the store is newer than this build (version \(unknown)); use a newer roadsense")
            return 1
        }
        if pending.isEmpty {
            print("  up to date; nothing to apply")
            return 0
        }
        if dryRun {
            for migration in pending { print("  would apply \(migration.version): \(migration.name)") }
            print("  dry run: nothing applied")
            return 0
        }
        let done = Set(try handle.migrate(upTo: nil))
        for migration in pending where done.contains(migration.version) {
            print("  applied \(migration.version): \(migration.name)")
        }
        return 0
    }
}
