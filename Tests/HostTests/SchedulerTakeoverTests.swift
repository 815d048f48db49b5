import Foundation
import RoadSenseStore
import Testing

@testable import RoadSenseHost

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

        // Kill the leader: the kernel drops its lock, and the standby takes over at its next poll and fires.
        // The bound: one poll interval, one host loop pass (its poll waits at most 100 ms), this test's own
        // 20 ms polling of the log, and 1 s for a loaded 2-core machine to schedule the standby.
        a.stop(kill: true)
        let killed = Date()
        #expect(try b.wait(seconds: 30) { _ in b.log.contains("this host now runs the schedule") })
        let takeover = Date().timeIntervalSince(killed)
        let bound = Double(Host.leadershipPollMs) / 1000 + 0.1 + 0.02 + 1.0
        #expect(takeover <= bound, "the standby took \(takeover) s to take over; at most \(bound) s expected")
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

    @Test("the host that takes over records the outcome of the call the killed leader fired")
    func outcomeAfterTakeover() throws {
        // The leader has no worker for the beat, so its call waits in the queue; the standby has one, and an
        // hourly beat of its own, so after taking over it fires nothing before the old call's outcome is in.
        let a = try HostHarness(replicas: 0, schedule: Self.beat)
        var hourly = Self.beat
        hourly[0]["everySeconds"] = 3600
        let b = try HostHarness(replicas: 1, storePath: a.storePath, schedule: hourly)
        try a.start()
        try b.start()
        #expect(try b.wait(seconds: 30) { _ in b.log.contains("standby: another host runs the schedule") })
        let aHost = "host-\(a.host?.processIdentifier ?? 0)"
        #expect(try a.wait(seconds: 30) { try beats($0).contains { $0.owner == aHost && $0.state == .queued } })
        a.stop(kill: true)
        let fired = try #require(try a.store().scheduleRecords().first { $0.entry == "beat" })
        #expect(fired.fired == 1)
        let slot = try #require(fired.lastSlotMs)

        let bHost = "host-\(b.host?.processIdentifier ?? 0)"
        var record: ScheduleRecord?
        let recorded = try b.wait(seconds: 30) { store in
            record = try store.scheduleRecords().first { $0.entry == "beat" }
            return record?.lastOutcome == "succeeded"
        }
        #expect(recorded, "record after the takeover: \(String(describing: record))")
        #expect(record?.lastSlotMs == slot)
        #expect(record?.owner == bHost)
        #expect(try beats(try a.store()).map(\.state) == [.succeeded])
        b.stop()
    }
}
