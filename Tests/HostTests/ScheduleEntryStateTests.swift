import Foundation
import Testing

@testable import RoadSenseHost

@Suite("Schedule entry state")
struct ScheduleEntryStateTests {
    typealias T = SchedulerTestTime

    static let dailyAt3 = ScheduleSpec.cron(try! CronExpression("0 3 * * *"), SchedulerTestTime.utcZone)

    /// Steps `entry` one second at a time over `[from, to]`, returning the firings as (now, slot) UTC text.
    func step(_ entry: inout ScheduleEntryState, from: Date, through end: Date, running: Bool = false)
        -> [(now: String, slot: String)]
    {
        var fired: [(now: String, slot: String)] = []
        var now = from
        while now <= end {
            if case .fire(let slot) = entry.due(at: now, running: running) {
                fired.append((T.text(now), T.text(slot)))
            }
            now.addTimeInterval(1)
        }
        return fired
    }

    @Test("a slot that comes while the previous run is still going is skipped and counted")
    func noOverlap() {
        let start = T.utc("2026-05-12T10:00:00Z")
        var entry = ScheduleEntryState(spec: .every(10), missedRunPolicy: .skipToNext, now: start)
        #expect(entry.due(at: start, running: false) == .fire(scheduledFor: start))
        #expect(entry.due(at: start.addingTimeInterval(5), running: true) == .wait(until: start.addingTimeInterval(10)))

        #expect(entry.due(at: start.addingTimeInterval(10), running: true) == .skipOverlap)
        #expect(entry.skippedOverlapCount == 1)
        #expect(entry.lastOutcome == .skipped)
        #expect(entry.nextDue == start.addingTimeInterval(20))

        #expect(
            entry.due(at: start.addingTimeInterval(20), running: false)
                == .fire(scheduledFor: start.addingTimeInterval(20)))
        let accepted = entry.record(.succeeded, forSlot: start.addingTimeInterval(20))
        let stale = entry.record(.failed, forSlot: start)
        #expect(accepted && !stale)
        #expect(entry.lastOutcome == .succeeded)
        #expect(entry.firedCount == 2)
        #expect(entry.missedCount == 0)
    }

    @Test("3-hour outage, skipToNext: no firing on return, every slot counted missed, next slot on the grid")
    func outageSkipToNext() {
        var frequent = ScheduleEntryState(
            spec: .every(10), missedRunPolicy: .skipToNext, now: T.utc("2026-05-12T00:59:00Z"))
        var daily = ScheduleEntryState(
            spec: Self.dailyAt3, missedRunPolicy: .skipToNext, now: T.utc("2026-05-12T00:59:00Z"))
        _ = step(&frequent, from: T.utc("2026-05-12T00:59:00Z"), through: T.utc("2026-05-12T01:00:00Z"))
        _ = step(&daily, from: T.utc("2026-05-12T00:59:00Z"), through: T.utc("2026-05-12T01:00:00Z"))
        #expect(frequent.lastFiredScheduledFor == T.utc("2026-05-12T01:00:00Z"))

        // Down from 01:00:00 to 04:00:03. Slots 01:00:10 … 04:00:00 came: 10800 s / 10 = 1080 of them.
        let back = T.utc("2026-05-12T04:00:03Z")
        #expect(frequent.due(at: back, running: false) == .wait(until: T.utc("2026-05-12T04:00:10Z")))
        #expect(frequent.missedCount == 1080)
        #expect(daily.due(at: back, running: false) == .wait(until: T.utc("2026-05-13T03:00:00Z")))
        #expect(daily.missedCount == 1)

        // Afterwards: on the grid again, no burst.
        let after = step(&frequent, from: back, through: T.utc("2026-05-12T04:01:00Z"))
        #expect(
            after.map(\.now)
                == (1...6).map { T.text(T.utc("2026-05-12T04:00:00Z").addingTimeInterval(Double($0 * 10))) })
        #expect(step(&daily, from: back, through: T.utc("2026-05-12T04:01:00Z")).isEmpty)
    }

    @Test("3-hour outage, runOnceNow: one firing on return for the latest slot, then the normal grid")
    func outageRunOnceNow() {
        let start = T.utc("2026-05-12T00:59:00Z")
        var frequent = ScheduleEntryState(spec: .every(10), missedRunPolicy: .runOnceNow, now: start)
        var daily = ScheduleEntryState(spec: Self.dailyAt3, missedRunPolicy: .runOnceNow, now: start)
        _ = step(&frequent, from: start, through: T.utc("2026-05-12T01:00:00Z"))
        _ = step(&daily, from: start, through: T.utc("2026-05-12T01:00:00Z"))

        // Back at 04:00:03: the 10 s entry runs once for 04:00:00 (the 1079 slots before it are missed);
        // the daily one runs once for today's 03:00 and has missed nothing.
        let back = T.utc("2026-05-12T04:00:03Z")
        #expect(frequent.due(at: back, running: false) == .fire(scheduledFor: T.utc("2026-05-12T04:00:00Z")))
        #expect(frequent.missedCount == 1079)
        #expect(daily.due(at: back, running: false) == .fire(scheduledFor: T.utc("2026-05-12T03:00:00Z")))
        #expect(daily.missedCount == 0)
        #expect(daily.nextDue == T.utc("2026-05-13T03:00:00Z"))

        let after = step(&frequent, from: back, through: T.utc("2026-05-12T04:01:00Z"))
        #expect(
            after.map(\.now)
                == (1...6).map { T.text(T.utc("2026-05-12T04:00:00Z").addingTimeInterval(Double($0 * 10))) })
        #expect(step(&daily, from: back, through: T.utc("2026-05-12T04:01:00Z")).isEmpty)
        // 00:59:00 … 01:00:00 (7), the return, then 04:00:10 … 04:01:00 (6).
        #expect(frequent.firedCount == 7 + 1 + 6)
        #expect(daily.firedCount == 1)
    }

    @Test("a call a little late (within grace) is on time; more than grace late with skipToNext is missed")
    func grace() {
        let start = T.utc("2026-05-12T10:00:00Z")
        var entry = ScheduleEntryState(spec: .every(60), missedRunPolicy: .skipToNext, grace: 5, now: start)
        #expect(entry.due(at: start.addingTimeInterval(4.5), running: false) == .fire(scheduledFor: start))
        #expect(
            entry.due(at: start.addingTimeInterval(66), running: false) == .wait(until: start.addingTimeInterval(120)))
        #expect(entry.missedCount == 1)
    }

    @Test("restart just before a daily job is due: it fires once, at its time")
    func restartJustBefore() {
        let persisted = PersistedScheduleEntry(
            lastFiredScheduledFor: T.utc("2026-05-11T03:00:00Z"), nextDue: T.utc("2026-05-12T03:00:00Z"))
        let restart = T.utc("2026-05-12T02:59:58Z")
        var entry = ScheduleEntryState(
            spec: Self.dailyAt3, missedRunPolicy: .runOnceNow, restoring: persisted, now: restart)
        #expect(entry.due(at: restart, running: false) == .wait(until: T.utc("2026-05-12T03:00:00Z")))

        let fired = step(&entry, from: restart, through: T.utc("2026-05-12T05:00:00Z"))
        #expect(fired.map(\.now) == ["2026-05-12T03:00:00Z"])
        #expect(fired.map(\.slot) == ["2026-05-12T03:00:00Z"])
        #expect(entry.persisted.nextDue == T.utc("2026-05-13T03:00:00Z"))
    }

    @Test("restart just after a daily job fired: it does not fire again, even if nextDue was not yet saved")
    func restartJustAfter() {
        let restart = T.utc("2026-05-12T03:00:02Z")
        let saved = PersistedScheduleEntry(
            lastFiredScheduledFor: T.utc("2026-05-12T03:00:00Z"), nextDue: T.utc("2026-05-13T03:00:00Z"))
        // A crash between saving the fired slot and the new nextDue leaves the old one behind.
        let stale = PersistedScheduleEntry(
            lastFiredScheduledFor: T.utc("2026-05-12T03:00:00Z"), nextDue: T.utc("2026-05-12T03:00:00Z"))

        for persisted in [saved, stale] {
            var entry = ScheduleEntryState(
                spec: Self.dailyAt3, missedRunPolicy: .runOnceNow, restoring: persisted, now: restart)
            #expect(entry.due(at: restart, running: false) == .wait(until: T.utc("2026-05-13T03:00:00Z")))
            #expect(step(&entry, from: restart, through: T.utc("2026-05-12T06:00:00Z")).isEmpty)
            #expect(entry.missedCount == 0)
        }
    }

    @Test("restart after a daily job's time, before it fired: runOnceNow fires it once, late")
    func restartAfterDueNotFired() {
        let persisted = PersistedScheduleEntry(
            lastFiredScheduledFor: T.utc("2026-05-11T03:00:00Z"), nextDue: T.utc("2026-05-12T03:00:00Z"))
        let restart = T.utc("2026-05-12T03:00:30Z")
        var entry = ScheduleEntryState(
            spec: Self.dailyAt3, missedRunPolicy: .runOnceNow, restoring: persisted, now: restart)
        let fired = step(&entry, from: restart, through: T.utc("2026-05-12T06:00:00Z"))
        #expect(fired.map(\.now) == ["2026-05-12T03:00:30Z"])
        #expect(fired.map(\.slot) == ["2026-05-12T03:00:00Z"])
    }

    @Test("the persisted record round-trips every counter")
    func persistedRoundTrip() {
        let start = T.utc("2026-05-12T10:00:00Z")
        var entry = ScheduleEntryState(spec: .every(10), missedRunPolicy: .skipToNext, now: start)
        _ = entry.due(at: start, running: false)
        entry.record(.failed, forSlot: start)
        _ = entry.due(at: start.addingTimeInterval(10), running: true)
        _ = entry.due(at: start.addingTimeInterval(100), running: false)

        let restored = ScheduleEntryState(
            spec: .every(10), missedRunPolicy: .skipToNext, restoring: entry.persisted,
            now: start.addingTimeInterval(101))
        #expect(restored == entry)
        #expect(
            restored.persisted
                == PersistedScheduleEntry(
                    lastFiredScheduledFor: start, nextDue: start.addingTimeInterval(110), lastFiredAt: start,
                    lastOutcome: .skipped, firedCount: 1, skippedOverlapCount: 1, missedCount: 9))
    }

    @Test("jitter delays each slot by a fixed amount for a seed; the slot stays the identity")
    func jitter() {
        let spec = ScheduleSpec.every(60).jittered(upTo: 20, seed: 42)
        let slot = T.utc("2026-05-12T10:00:00Z")
        let delay = spec.fireTime(forSlot: slot).timeIntervalSince(slot)
        #expect(delay >= 0 && delay < 20)
        #expect(
            spec.fireTime(forSlot: slot) == ScheduleSpec.every(60).jittered(upTo: 20, seed: 42).fireTime(forSlot: slot))
        let delays = (0..<50).map {
            spec.fireTime(forSlot: slot.addingTimeInterval(Double($0 * 60))).timeIntervalSince(
                slot.addingTimeInterval(Double($0 * 60)))
        }
        #expect(Set(delays).count > 40)
        #expect(delays.allSatisfy { $0 >= 0 && $0 < 20 })
        let otherSeed = ScheduleSpec.every(60).jittered(upTo: 20, seed: 43)
        #expect(otherSeed.fireTime(forSlot: slot) != spec.fireTime(forSlot: slot))

        // The entry waits for slot + delay, then fires for the slot.
        var entry = ScheduleEntryState(spec: spec, missedRunPolicy: .skipToNext, now: slot)
        #expect(entry.due(at: slot, running: false) == .wait(until: slot.addingTimeInterval(delay)))
        #expect(entry.due(at: slot.addingTimeInterval(delay), running: false) == .fire(scheduledFor: slot))
        #expect(
            spec.nextFire(after: slot)
                == ScheduleSpec.Firing(
                    slot: slot.addingTimeInterval(60), fireAt: spec.fireTime(forSlot: slot.addingTimeInterval(60))))
    }
}
