import Foundation
import RaceDomain
import RoadSenseStore
import Testing

/// The whole system on PostgreSQL: `roadsense run --replay` with `--store postgres://…` (host and plugin
/// processes all writing to it) stores the same laps and weather as the same replay on SQLite.
@Suite("Replay on PostgreSQL", .serialized)
struct PostgresReplayTests {
    @Test(
        "the excerpt replays on PostgreSQL with every call succeeding, storing the laps and weather SQLite stores",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func replayMatchesSQLite(kind: StoreKind) throws {
        let postgres = try StoreKit.freshLocation(.postgres, name: "replay")
        defer { StoreKit.dispose(postgres) }
        let sqlite = try StoreKit.freshLocation(.sqlite, name: "replay")

        for location in [sqlite, postgres] {
            let (status, errors) = try Self.replay(store: location)
            #expect(status == 0, "replay on \(location) exited \(status): \(errors)")
        }
        let a = try openStore(sqlite)
        let b = try openStore(postgres)
        #expect(try b.count(.laps) > 0)
        #expect(try b.count(.carFrames) > 0)
        #expect(try b.calls(state: .failed) == [])
        #expect(try b.weather() == a.weather())
        for car in try a.latestCarStates().map({
            CarKey.of(vehicleID: $0.frame.vehicleID, carNumber: $0.frame.carNumber)
        }) {
            #expect(try b.laps(carKey: car) == a.laps(carKey: car), "car \(car)")
        }
    }

    static func replay(store: StoreLocation) throws -> (Int32, String) {
        let runtime = try TestPaths.temporaryDirectory("replay-run")
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = [
            "run", "--replay", TestPaths.excerpt.path, "--speed", "300", "--store", store.url, "--runtime-dir",
            runtime.path, "--log-level", "warning",
        ]
        let errorsFile = runtime.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorsFile)
        defer { try? errors.close() }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Watchdog: a replay still running after 180 s is killed, so a hang fails the test.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 180, execute: watchdog)
        defer { watchdog.cancel() }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? "")
    }
}
