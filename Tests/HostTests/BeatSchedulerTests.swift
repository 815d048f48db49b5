import Foundation
import RoadSenseStore
import Testing

@testable import RoadSenseHost

/// The host's scheduler on an injected clock with a real SQLite store and real leadership locks: what fires
/// when, what is persisted, and what happens across outages, restarts and a leader's death.
@Suite("Beat scheduler with its store and leadership")
struct BeatSchedulerTests {
    typealias T = SchedulerTestTime

    /// `entry`'s firings as slot text.
    func slots(_ fired: [SchedulerRig.Fired], _ entry: String) -> [String] {
        fired.filter { $0.entry == entry }.map(\.slot)
    }

    @Test("a simulated day: every default entry fires at exactly its expected instants, and the store agrees")
    func simulatedDay() throws {
        let rig = try SchedulerRig(path: try SchedulerRig.path(), config: ScheduleEntryConfig.defaults)
        let start = T.utc("2026-05-12T00:00:07Z")
        #expect(rig.activate(start))
        rig.run(until: start.addingTimeInterval(86400))

        // Interval entries fire on the epoch grid from the first slot after the start to 2026-05-13 00:00:00;
        // the cleanups at 03:00 and 03:30 UTC; every firing exactly at its slot.
        let expected: [String: (count: Int, first: String, last: String)] = [
            "process-live-telemetry": (8640, "2026-05-12T00:00:10Z", "2026-05-13T00:00:00Z"),
            "check-alert-conditions": (1920, "2026-05-12T00:00:45Z", "2026-05-13T00:00:00Z"),
            "update-strategy-predictions": (2880, "2026-05-12T00:00:30Z", "2026-05-13T00:00:00Z"),
            "ingest-external-telemetry": (720, "2026-05-12T00:02:00Z", "2026-05-13T00:00:00Z"),
            "generate-performance-analytics": (480, "2026-05-12T00:03:00Z", "2026-05-13T00:00:00Z"),
            "update-weather-data": (288, "2026-05-12T00:05:00Z", "2026-05-13T00:00:00Z"),
            "update-competitor-analysis": (144, "2026-05-12T00:10:00Z", "2026-05-13T00:00:00Z"),
            "run-batch-simulations": (96, "2026-05-12T00:15:00Z", "2026-05-13T00:00:00Z"),
            "cleanup-old-telemetry": (1, "2026-05-12T03:00:00Z", "2026-05-12T03:00:00Z"),
            "cleanup-old-alerts": (1, "2026-05-12T03:30:00Z", "2026-05-12T03:30:00Z"),
            "acknowledge-stale-alerts": (6, "2026-05-12T04:00:00Z", "2026-05-13T00:00:00Z"),
        ]
        #expect(Set(expected.keys) == Set(ScheduleEntryConfig.defaults.map(\.name)))
        #expect(rig.fired.allSatisfy { $0.slot == $0.at })
        for (name, want) in expected {
            let times = slots(rig.fired, name)
            #expect(times.count == want.count, "\(name)")
            #expect(times.first == want.first, "\(name)")
            #expect(times.last == want.last, "\(name)")
            #expect(Set(times).count == times.count, "\(name) fired a slot twice")

            let record = try #require(try rig.record(name))
            #expect(record.fired == want.count)
            #expect(record.lastSlotMs.map(ScheduleRecord.date).map(T.text) == want.last)
            #expect(record.missed == 0 && record.skippedOverlap == 0)
        }
    }

    @Test("a jittered entry fires each slot late by a fixed delay under its jitter; the slot stays its identity")
    func jitter() throws {
        let entry = ScheduleEntryConfig(
            name: "jittered", method: "weather.Update", everySeconds: 300, jitterSeconds: 20, priority: "medium")
        let rig = try SchedulerRig(path: try SchedulerRig.path(), config: [entry])
        let start = T.utc("2026-05-12T10:00:00Z")
        rig.activate(start)
        rig.run(until: start.addingTimeInterval(3600))

        #expect(rig.fired.count == 12)
        let delays = rig.fired.map { $0.time.timeIntervalSince(T.utc($0.slot)) }
        #expect(delays.allSatisfy { $0 >= 0 && $0 < 20 })
        #expect(Set(delays).count > 1)
        // Another host with the same entry computes the same delays.
        let spec = try entry.spec()
        #expect(rig.fired.allSatisfy { spec.fireTime(forSlot: T.utc($0.slot)) == $0.time })
    }

    @Test("02:30 daily and hourly cron in America/Chicago across the 2026 changes, as configured")
    func daylightSaving() throws {
        let config = [
            ScheduleEntryConfig(
                name: "nightly", method: "maintenance.CleanupTelemetry", cron: "30 2 * * *",
                timeZone: "America/Chicago", priority: "low"),
            ScheduleEntryConfig(
                name: "hourly", method: "weather.Update", cron: "0 * * * *", timeZone: "America/Chicago",
                priority: "low"),
        ]
        // Spring forward, 2026-03-08 02:00 CST → 03:00 CDT: 02:30 does not exist, so the nightly job runs once,
        // at 03:00 CDT (08:00Z); the local day has 23 hours, so the hourly job runs 23 times.
        let spring = try SchedulerRig(path: try SchedulerRig.path(), config: config)
        spring.activate(T.utc("2026-03-07T06:00:00Z"))
        spring.run(until: T.utc("2026-03-10T05:00:00Z"))
        #expect(
            slots(spring.fired, "nightly") == [
                "2026-03-07T08:30:00Z", "2026-03-08T08:00:00Z", "2026-03-09T07:30:00Z",
            ])
        let march8 = slots(spring.fired, "hourly").filter {
            T.utc($0) >= T.utc("2026-03-08T06:00:00Z") && T.utc($0) < T.utc("2026-03-09T05:00:00Z")
        }
        #expect(march8.count == 23)
        // 00:00 and 01:00 CST, then 03:00 CDT: no 02:00 that day.
        #expect(march8.prefix(3) == ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"])

        // Fall back, 2026-11-01 02:00 CDT → 01:00 CST: 02:30 happens once (CST, 08:30Z); the local day has
        // 25 hours, and 01:00 CDT and 01:00 CST are both hours of it.
        let fall = try SchedulerRig(path: try SchedulerRig.path(), config: config)
        fall.activate(T.utc("2026-10-31T05:00:00Z"))
        fall.run(until: T.utc("2026-11-03T06:00:00Z"))
        #expect(
            slots(fall.fired, "nightly") == [
                "2026-10-31T07:30:00Z", "2026-11-01T08:30:00Z", "2026-11-02T08:30:00Z",
            ])
        let november1 = slots(fall.fired, "hourly").filter {
            T.utc($0) >= T.utc("2026-11-01T05:00:00Z") && T.utc($0) < T.utc("2026-11-02T06:00:00Z")
        }
        #expect(november1.count == 25)
        #expect(november1.contains("2026-11-01T06:00:00Z") && november1.contains("2026-11-01T07:00:00Z"))
        #expect(spring.fired.allSatisfy { $0.slot == $0.at } && fall.fired.allSatisfy { $0.slot == $0.at })
    }

    @Test("no overlap: a slot that comes while the previous call is busy is skipped, recorded, and not made up")
    func noOverlap() throws {
        let entry = ScheduleEntryConfig(
            name: "fast", method: "telemetry.ProcessLive", everySeconds: 10, priority: "high")
        let rig = try SchedulerRig(path: try SchedulerRig.path(), config: [entry])
        let start = T.utc("2026-05-12T10:00:00Z")
        rig.activate(start)
        rig.tick(start)
        rig.busy = ["fast"]
        rig.tick(start.addingTimeInterval(10))
        rig.tick(start.addingTimeInterval(20))
        rig.busy = []
        rig.tick(start.addingTimeInterval(25))
        rig.tick(start.addingTimeInterval(30))

        #expect(slots(rig.fired, "fast") == ["2026-05-12T10:00:00Z", "2026-05-12T10:00:30Z"])
        let record = try #require(try rig.record("fast"))
        #expect(record.skippedOverlap == 2)
        #expect(record.fired == 2)
        #expect(record.missed == 0)
        #expect(record.lastSlotMs.map(ScheduleRecord.date) == start.addingTimeInterval(30))
    }

    @Test("a 3-hour outage: runOnceNow entries run once on return, skipToNext entries wait; never a burst")
    func outage() throws {
        let path = try SchedulerRig.path()
        let before = try SchedulerRig(path: path, config: ScheduleEntryConfig.defaults)
        before.activate(T.utc("2026-05-12T00:00:07Z"))
        before.run(until: T.utc("2026-05-12T01:00:01Z"))
        before.kill()

        // Back at 04:00:03. The cleanups' 03:00 and 03:30 slots came while no scheduler ran: each runs once,
        // for its slot; acknowledge-stale-alerts' 04:00 slot is 3 s old (within grace) and runs on time. The
        // frequent entries (skipToNext) run nothing now and count their missed slots.
        let after = try SchedulerRig(path: path, config: ScheduleEntryConfig.defaults)
        let back = T.utc("2026-05-12T04:00:03Z")
        #expect(after.activate(back))
        after.tick(back)
        #expect(
            after.fired.map(\.description).sorted() == [
                "acknowledge-stale-alerts@2026-05-12T04:00:00Z (at 2026-05-12T04:00:03Z)",
                "cleanup-old-alerts@2026-05-12T03:30:00Z (at 2026-05-12T04:00:03Z)",
                "cleanup-old-telemetry@2026-05-12T03:00:00Z (at 2026-05-12T04:00:03Z)",
            ])
        // 01:00:10 … 04:00:00 is 1080 slots of 10 s; 01:00:45 … 04:00:00 is 240 of 45 s.
        #expect(try after.record("process-live-telemetry")?.missed == 1080)
        #expect(try after.record("check-alert-conditions")?.missed == 240)
        #expect(try after.record("cleanup-old-telemetry")?.missed == 0)

        // Then every entry is back on its grid.
        after.run(until: T.utc("2026-05-12T04:01:01Z"))
        #expect(slots(after.fired, "process-live-telemetry").first == "2026-05-12T04:00:10Z")
        #expect(slots(after.fired, "process-live-telemetry").count == 6)
        #expect(slots(after.fired, "cleanup-old-telemetry").count == 1)
    }

    @Test("restart just before a daily job is due: it fires once, at its time")
    func restartJustBefore() throws {
        let path = try SchedulerRig.path()
        let daily = ScheduleEntryConfig.defaults.filter { $0.name == "cleanup-old-telemetry" }
        let first = try SchedulerRig(path: path, config: daily)
        first.activate(T.utc("2026-05-11T02:00:00Z"))
        first.run(until: T.utc("2026-05-12T02:59:58Z"))
        #expect(slots(first.fired, "cleanup-old-telemetry") == ["2026-05-11T03:00:00Z"])
        first.kill()

        let second = try SchedulerRig(path: path, config: daily)
        second.activate(T.utc("2026-05-12T02:59:58Z"))
        second.tick(T.utc("2026-05-12T02:59:58Z"))
        second.run(until: T.utc("2026-05-12T23:00:00Z"))
        #expect(second.fired.map(\.description) == ["cleanup-old-telemetry@2026-05-12T03:00:00Z"])
    }

    @Test("restart just after a daily job fired: it does not fire again that day")
    func restartJustAfter() throws {
        let path = try SchedulerRig.path()
        let daily = ScheduleEntryConfig.defaults.filter { $0.name == "cleanup-old-telemetry" }
        let first = try SchedulerRig(path: path, config: daily)
        first.activate(T.utc("2026-05-12T02:00:00Z"))
        first.run(until: T.utc("2026-05-12T03:00:01Z"))
        #expect(first.fired.map(\.description) == ["cleanup-old-telemetry@2026-05-12T03:00:00Z"])
        first.kill()

        let second = try SchedulerRig(path: path, config: daily)
        second.activate(T.utc("2026-05-12T03:00:02Z"))
        second.tick(T.utc("2026-05-12T03:00:02Z"))
        second.run(until: T.utc("2026-05-13T03:00:01Z"))
        #expect(second.fired.map(\.description) == ["cleanup-old-telemetry@2026-05-13T03:00:00Z"])
    }

    @Test("two schedulers on one store: one leads, every slot fires once; the standby takes over when it dies")
    func twoSchedulers() throws {
        let path = try SchedulerRig.path()
        let config = [
            ScheduleEntryConfig(name: "fast", method: "telemetry.ProcessLive", everySeconds: 10, priority: "high"),
            ScheduleEntryConfig(
                name: "slow", method: "strategy.UpdatePredictions", everySeconds: 30, priority: "medium"),
        ]
        let a = try SchedulerRig(path: path, config: config, name: "host-a")
        let b = try SchedulerRig(path: path, config: config, name: "host-b")
        let start = T.utc("2026-05-12T10:00:00Z")
        #expect(a.activate(start))
        #expect(!b.activate(start))

        // Both run the host loop once a second; only the leader fires.
        func second(_ n: Int) -> Date { start.addingTimeInterval(TimeInterval(n)) }
        for n in 0..<60 {
            a.tick(second(n))
            if !b.isActive { b.activate(second(n)) }
            b.tick(second(n))
        }
        #expect(b.fired.isEmpty)

        // The leader fires 10:01:00 and dies at once; the standby takes over at its next poll, 10:01:01, and
        // must not fire 10:01:00 again. Later, the new leader dies just before 10:02:00 and a third takes over
        // at 10:02:01 (within grace): it fires that slot, late, once.
        a.tick(second(60))
        a.kill()
        for n in 61..<120 {
            if !b.isActive { #expect(b.activate(second(n)) == (n == 61)) }
            b.tick(second(n))
        }
        b.kill()
        let c = try SchedulerRig(path: path, config: config, name: "host-c")
        for n in 121..<181 {
            if !c.isActive { c.activate(second(n)) }
            c.tick(second(n))
        }

        let all = a.fired + b.fired + c.fired
        for (name, every) in [("fast", 10), ("slow", 30)] {
            let expected = stride(from: 0, through: 180, by: every).map { T.text(second($0)) }
            #expect(slots(all, name) == expected, "\(name): \(slots(all, name))")
        }
        #expect(!b.fired.contains { $0.slot == "2026-05-12T10:01:00Z" })
        #expect(c.fired.contains { $0.description == "fast@2026-05-12T10:02:00Z (at 2026-05-12T10:02:01Z)" })
        #expect(a.fired.allSatisfy { $0.slot == $0.at })
    }
}
