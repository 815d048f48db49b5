import Foundation
import RaceDomain
import Testing

@testable import RoadSenseStore

/// What the PostgreSQL store does when the server goes away and comes back.
@Suite("Store outage")
struct StoreOutageTests {
    @Test("a server that is not there is an UNAVAILABLE error that names the URL and hides the password")
    func unreachable() throws {
        let url = "postgres://roadsense:secret@/roadsense?host=/nonexistent-roadsense-socket-dir"
        do {
            _ = try openStore(.postgres(url: url))
            Issue.record("opened a store on a server that does not exist")
        } catch let error as StoreError {
            #expect(error.code == .unavailable)
            #expect(error.isRetryable)
            #expect(error.statusName == "UNAVAILABLE")
            #expect(error.description.contains("postgres://roadsense:***@/roadsense"))
            #expect(!error.description.contains("secret"))
        }
    }

    @Test(
        "calls fail with UNAVAILABLE while the server is stopped and work again once it is back; nothing stored is lost",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func stopAndRestart(kind: StoreKind) throws {
        // A cluster of this test's own, so stopping it disturbs no other test.
        let directory = try TestPaths.temporaryDirectory("outage")
        let cluster = try Self.cluster("start", directory.appendingPathComponent("pg"))
        defer {
            _ = try? Self.cluster("stop", directory.appendingPathComponent("pg"))
            try? FileManager.default.removeItem(at: directory)
        }
        let store = try openStore(.postgres(url: cluster))
        let lap = LapRecord(carNumber: 13, lap: 1, lapTimeMs: 97_428, crossedMs: 1, flag: "GF", source: .analysis)
        try store.upsertLaps([lap])

        _ = try Self.cluster("stop", directory.appendingPathComponent("pg"))
        var second = lap
        second.lap = 2
        #expect {
            try store.upsertLaps([second])
        } throws: { ($0 as? StoreError)?.statusName == "UNAVAILABLE" }
        #expect {
            try store.count(.laps)
        } throws: { ($0 as? StoreError)?.code == .unavailable }

        _ = try Self.cluster("start", directory.appendingPathComponent("pg"))
        try store.upsertLaps([second])
        #expect(try store.laps(carKey: "13").map(\.lap) == [1, 2])
    }

    /// `scripts/pg-test-cluster.sh start|stop DIR`; returns what it prints (the URL, on start). Its output
    /// goes to a file, not a pipe: the server it starts would inherit the pipe and keep it open.
    static func cluster(_ command: String, _ directory: URL) throws -> String {
        let process = Process()
        process.executableURL = TestPaths.repository.appendingPathComponent("scripts/pg-test-cluster.sh")
        process.arguments = [command, directory.path]
        let outputFile = directory.deletingLastPathComponent().appendingPathComponent("cluster-\(command).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let data = try Data(contentsOf: outputFile)
        guard process.terminationStatus == 0 else {
            throw StoreError(
                code: .unavailable, reason: "pg-test-cluster.sh \(command) failed", location: directory.path)
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
