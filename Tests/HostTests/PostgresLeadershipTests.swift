import Foundation
import Testing

@testable import RoadSenseHost
@testable import RoadSenseStore

/// Two real `roadsense run` hosts on one PostgreSQL store (issue 5): one scheduler at a time by a session
/// advisory lock. The leader killed, the standby fires the next slot; the leader's lock session terminated
/// (`pg_terminate_backend`, as a failover or a DBA would), it steps down before firing again. Every slot fires
/// once.
@Suite("Two hosts on one PostgreSQL store: one scheduler", .serialized)
struct PostgresLeadershipTests {
    /// A bench.Noop every second; its calls' slots are their enqueue instants rounded down to the second
    /// (a firing is never a second late: a later slot would have come, and `skipToNext` skips both).
    static func beats(_ store: RaceStore) throws -> [CallRecord] {
        try store.calls(state: nil).filter { $0.entry == "beat" }
    }

    static func waitForLog(_ harness: HostHarness, _ text: String, count: Int = 1, seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if harness.log.components(separatedBy: text).count - 1 >= count { return true }
            usleep(20_000)
        }
        return false
    }

    @Test(
        "exactly-once firing across a killed leader and a leader whose lock session was terminated",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func takeovers(kind: StoreKind) throws {
        let location = try StoreKit.freshLocation(.postgres, name: "leaders")
        defer { StoreKit.dispose(location) }
        let a = try HostHarness(replicas: 1, store: location, schedule: SchedulerTakeoverTests.beat)
        let b = try HostHarness(replicas: 1, store: location, schedule: SchedulerTakeoverTests.beat)
        try a.start()
        #expect(Self.waitForLog(a, "this host now runs the schedule"))
        try b.start()
        #expect(Self.waitForLog(b, "standby: another host runs the schedule"))
        let aHost = "host-\(a.host?.processIdentifier ?? 0)"
        let bHost = "host-\(b.host?.processIdentifier ?? 0)"
        #expect(
            try a.waitOnStore(seconds: 30) {
                try Self.beats($0).filter { $0.owner == aHost && $0.state == .succeeded }.count >= 3
            })
        #expect(try Self.beats(a.anyStore()).allSatisfy { $0.owner == aHost })

        // Kill the leader: the server ends its session and frees the lock; the standby takes over and fires.
        a.stop(kill: true)
        #expect(Self.waitForLog(b, "this host now runs the schedule"))
        #expect(
            try b.waitOnStore(seconds: 30) {
                try Self.beats($0).filter { $0.owner == bHost && $0.state == .succeeded }.count >= 2
            })

        // A new standby; then the leader's lock session is terminated from outside. The leader must notice
        // before it fires again and step down; one of the two takes the lock and the beat goes on.
        try a.start()
        #expect(Self.waitForLog(a, "standby: another host runs the schedule"))
        let terminated = try Self.terminateLockSession(of: location)
        #expect(terminated == 1)
        #expect(Self.waitForLog(b, "lost the scheduler leadership"))
        let before = try Self.beats(b.anyStore()).count
        #expect(
            try b.waitOnStore(seconds: 30) { try Self.beats($0).filter { $0.state == .succeeded }.count >= before + 3 })
        a.stop()
        b.stop()
        #expect(!a.stuckOnStop && !b.stuckOnStop)

        // Exactly once: the entry's record counts as many firings as there are calls, and no second holds two.
        let store = try a.anyStore()
        let record = try #require(try store.scheduleRecords().first { $0.entry == "beat" })
        let calls = try Self.beats(store)
        #expect(record.fired == calls.count)
        let slots = calls.map { $0.enqueuedMs / 1000 }
        #expect(Set(slots).count == slots.count, "a slot fired twice: \(slots.sorted())")
        #expect(Set(calls.compactMap(\.owner)).isSubset(of: [aHost, bHost, "host-\(a.host?.processIdentifier ?? 0)"]))
    }

    /// Ends the session holding this store's scheduler lock, as `pg_terminate_backend` from a DBA or a failover
    /// would; returns how many sessions it ended.
    static func terminateLockSession(of location: StoreLocation) throws -> Int {
        guard case .postgres(let url) = location, let range = url.range(of: "search_path%3D") else { return 0 }
        let schema = String(url[range.upperBound...])
        var ended = 0
        try StoreKit.admin { connection in
            try connection.run(
                "terminate_scheduler_lock",
                """
                SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
                  AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint)
                    = hashtextextended('roadsense.scheduler/' || current_database() || '/' || $1::text, 0)
                """, [.text(schema)]
            ) { if $0.bool(0) == true { ended += 1 } }
        }
        return ended
    }
}
