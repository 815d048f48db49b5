import Foundation
import Testing

@testable import RoadSenseHost

/// America/Chicago in 2026: clocks spring forward at 02:00 CST on 2026-03-08 (08:00 UTC, to 03:00 CDT) and fall
/// back at 02:00 CDT on 2026-11-01 (07:00 UTC, to 01:00 CST).
@Suite("Cron across daylight-saving changes")
struct CronDaylightSavingTests {
    typealias T = SchedulerTestTime

    /// Every firing of `source` in Chicago within `[from, to)`, found by stepping an entry's clock one second at
    /// a time, as UTC text.
    func stepped(_ source: String, from: String, to: String) throws -> [String] {
        let spec = ScheduleSpec.cron(try CronExpression(source), T.chicago)
        var now = T.utc(from)
        let end = T.utc(to)
        var entry = ScheduleEntryState(spec: spec, missedRunPolicy: .skipToNext, now: now)
        var fired: [String] = []
        while now < end {
            if case .fire(let slot) = entry.due(at: now, running: false) {
                #expect(slot == now, "fired late: \(T.text(now)) for \(T.text(slot))")
                fired.append(T.text(slot))
            }
            now.addTimeInterval(1)
        }
        #expect(entry.missedCount == 0)
        return fired
    }

    /// `count` firings of `source` in Chicago after `start`, from `next(after:in:)`, as UTC text.
    func nexts(_ source: String, after start: String, count: Int, zone: TimeZone = SchedulerTestTime.chicago)
        throws -> [String]
    {
        try SchedulerTestTime.firings(source, after: start, count: count, zone: zone)
    }

    /// Whole UTC hours from `first`, `count` of them, as UTC text.
    func hourly(from first: String, count: Int) -> [String] {
        (0..<count).map { T.text(T.utc(first).addingTimeInterval(TimeInterval($0 * 3600))) }
    }

    @Test("02:30 daily: on spring-forward day it fires once at 03:00 CDT, the first instant after the gap")
    func dailyInSpringGap() throws {
        let expected = ["2026-03-07T08:30:00Z", "2026-03-08T08:00:00Z", "2026-03-09T07:30:00Z"]
        #expect(try nexts("30 2 * * *", after: "2026-03-07T00:00:00Z", count: 3) == expected)
        #expect(try stepped("30 2 * * *", from: "2026-03-07T06:00:00Z", to: "2026-03-10T05:00:00Z") == expected)
    }

    @Test("02:30 daily on fall-back day: 02:30 CST exists once and fires once")
    func dailyOnFallBack() throws {
        let expected = ["2026-10-31T07:30:00Z", "2026-11-01T08:30:00Z", "2026-11-02T08:30:00Z"]
        #expect(try nexts("30 2 * * *", after: "2026-10-31T00:00:00Z", count: 3) == expected)
        #expect(try stepped("30 2 * * *", from: "2026-10-31T05:00:00Z", to: "2026-11-03T06:00:00Z") == expected)
    }

    @Test("01:30 daily on fall-back day fires once, at the first occurrence (01:30 CDT), not again at 01:30 CST")
    func dailyInRepeatedHour() throws {
        let expected = ["2026-10-31T06:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T07:30:00Z"]
        #expect(try nexts("30 1 * * *", after: "2026-10-31T00:00:00Z", count: 3) == expected)
        #expect(try stepped("30 1 * * *", from: "2026-10-31T05:00:00Z", to: "2026-11-03T06:00:00Z") == expected)

        // Asked from inside the repeated hour, the second 01:30 is not offered either.
        #expect(try nexts("30 1 * * *", after: "2026-11-01T07:10:00Z", count: 1) == ["2026-11-02T07:30:00Z"])
        #expect(
            try nexts("0,30 1 * * *", after: "2026-11-01T05:00:00Z", count: 3)
                == ["2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-02T07:00:00Z"])
    }

    @Test("hourly on spring-forward day: 23 firings, none for the missing 02:00")
    func hourlySpring() throws {
        // The local day runs 06:00 UTC (00:00 CST) to 05:00 UTC next day (00:00 CDT): 23 real hours.
        let expected = hourly(from: "2026-03-08T06:00:00Z", count: 23)
        #expect(expected.first == "2026-03-08T06:00:00Z")
        #expect(expected[2] == "2026-03-08T08:00:00Z")
        #expect(expected.last == "2026-03-09T04:00:00Z")
        #expect(try stepped("0 * * * *", from: "2026-03-08T06:00:00Z", to: "2026-03-09T05:00:00Z") == expected)
        #expect(try nexts("0 * * * *", after: "2026-03-08T05:59:59Z", count: 23) == expected)
    }

    @Test("hourly on fall-back day: 25 firings, 01:00 CDT and 01:00 CST both fire")
    func hourlyFall() throws {
        // The local day runs 05:00 UTC (00:00 CDT) to 06:00 UTC next day (00:00 CST): 25 real hours.
        let expected = hourly(from: "2026-11-01T05:00:00Z", count: 25)
        #expect(expected[1] == "2026-11-01T06:00:00Z")
        #expect(expected[2] == "2026-11-01T07:00:00Z")
        #expect(expected.last == "2026-11-02T05:00:00Z")
        #expect(try stepped("0 * * * *", from: "2026-11-01T05:00:00Z", to: "2026-11-02T06:00:00Z") == expected)
        #expect(try nexts("0 * * * *", after: "2026-11-01T04:59:59Z", count: 25) == expected)
    }

    @Test("a wildcard-minute expression repeats the fall-back hour and skips the spring gap")
    func wildcardMinutes() throws {
        #expect(
            try nexts("*/30 * * * *", after: "2026-11-01T05:45:00Z", count: 5)
                == [
                    "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z",
                    "2026-11-01T08:00:00Z",
                ])
        #expect(
            try nexts("30 * * * *", after: "2026-03-08T07:00:00Z", count: 2)
                == ["2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"])
        // Asked from inside the first 01:xx (CDT), the repeated 01:00 CST and 01:30 CST are still ahead.
        #expect(
            try nexts("0,30 * * * *", after: "2026-11-01T06:10:00Z", count: 3)
                == ["2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z"])
    }

    @Test("a skipped midnight (Santiago) and a half-hour DST shift (Lord Howe) follow the same rules")
    func otherZones() throws {
        // America/Santiago leaves UTC-4 for UTC-3 at 04:00 UTC on 2026-09-06: that day has no 00:00.
        let santiago = TimeZone(identifier: "America/Santiago")!
        #expect(
            try nexts("0 0 * * *", after: "2026-09-05T00:00:00Z", count: 3, zone: santiago)
                == ["2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z"])

        // Australia/Lord_Howe goes from UTC+10:30 to UTC+11 at 02:00 local on 2026-10-04 (15:30 UTC on the 3rd):
        // 02:00–02:29 are skipped, so 02:15 fires at 02:30 LHDT.
        let lordHowe = TimeZone(identifier: "Australia/Lord_Howe")!
        #expect(
            try nexts("15 2 * * *", after: "2026-10-02T00:00:00Z", count: 3, zone: lordHowe)
                == ["2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"])
        #expect(
            try nexts("*/15 * * * *", after: "2026-10-03T15:00:00Z", count: 3, zone: lordHowe)
                == ["2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"])
    }
}
