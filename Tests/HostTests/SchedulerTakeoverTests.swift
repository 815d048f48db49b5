import Foundation
import RoadSenseStore
import Testing

/// Two real `roadsense run` hosts on one store: one runs the schedule, the other stands by and takes over
/// when the leader is killed; `roadsense ctl schedule` says which is which.
@Suite("Two hosts on one store: one scheduler, standby takeover", .serialized)
struct SchedulerTakeoverTests {
    static var beat: [[String: Any]] {
        [
            ["name": "beat", "method": "bench.Noop", "everySeconds": 1, "priority": "high"]
        ]
    }

    /// `roadsense ctl schedule --json` against the host in `runtime`.
    func ctlSchedule(_ runtime: String) throws -> [String: Any]? {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["ctl", "schedule", "--json", "--runtime-dir", runtime]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func beats(_ store: SQLiteRaceStore) throws -> [CallRecord] {
        try store.calls(state: nil).filter { $0.entry == "beat" }
    }

    @Test("the leader fires, the standby does not; killed, the leader is replaced and every firing is recorded once")
    func takeover() throws {
        let a = try HostHarness(replicas: 1, schedule: Self.beat)
        let b = try HostHarness(replicas: 1, storePath: a.storePath, schedule: Self.beat)
        try a.start()
        #expect(try a.wait(seconds: 30) { _ in a.log.contains("this host now runs the schedule") })
        try b.start()
        #expect(try b.wait(seconds: 30) { _ in b.log.contains("standby: another host runs the schedule") })
        let aHost = "host-\(a.host?.processIdentifier ?? 0)"
        let bHost = "host-\(b.host?.processIdentifier ?? 0)"
        #expect(
            try a.wait(seconds: 30) { try beats($0).filter { $0.owner == aHost && $0.state == .succeeded }.count >= 3 })

        // ctl schedule: the leader shows the entry with its runs; the standby says it stands by.
        let leader = try #require(try ctlSchedule(a.runtime))
        #expect(leader["role"] as? String == "leader")
        let row = try #require((leader["entries"] as? [[String: Any]])?.first)
        #expect(row["entry"] as? String == "beat" && row["spec"] as? String == "every 1 s")
        #expect((row["fired"] as? Int ?? 0) >= 3)
        #expect((row["next_run_utc"] as? String)?.hasSuffix("Z") == true)
        #expect(try ctlSchedule(b.runtime)?["role"] as? String == "standby")
        #expect(try beats(try a.store()).allSatisfy { $0.owner == aHost })

        // Kill the leader: the kernel drops its lock, and the standby takes over and fires.
        a.stop(kill: true)
        #expect(try b.wait(seconds: 30) { _ in b.log.contains("this host now runs the schedule") })
        #expect(
            try b.wait(seconds: 30) { try beats($0).filter { $0.owner == bHost && $0.state == .succeeded }.count >= 3 })
        #expect(try ctlSchedule(b.runtime)?["role"] as? String == "leader")
        b.stop()
        #expect(!b.stuckOnStop)

        // Each firing is in the store exactly once: the entry's record counts as many firings as there are calls
        // (a firing and its call commit together), and every call belongs to one of the two hosts.
        let store = try a.store()
        let record = try #require(try store.scheduleRecords().first { $0.entry == "beat" })
        let calls = try beats(store)
        #expect(record.fired == calls.count)
        #expect(calls.allSatisfy { $0.owner == aHost || $0.owner == bHost })
        #expect(Set(calls.map(\.callID)).count == calls.count)
    }
}
