import Foundation
import Testing

@testable import RoadSenseHost

@Suite("Cron expression")
struct CronExpressionTests {
    typealias T = SchedulerTestTime

    /// The reason of the error `source` fails with.
    func parseFailure(_ source: String) -> String? {
        do {
            _ = try CronExpression(source)
            return nil
        } catch let error as HostError {
            #expect(error.code == .badConfiguration)
            return error.reason
        } catch {
            return "unexpected \(error)"
        }
    }

    /// The next `count` firings after `start` in `zone`, as UTC text.
    func firings(_ source: String, after start: String, count: Int, zone: TimeZone = SchedulerTestTime.utcZone)
        throws -> [String]
    {
        try SchedulerTestTime.firings(source, after: start, count: count, zone: zone)
    }

    @Test("lists, ranges, steps and names expand to the values they mean")
    func fieldsExpand() throws {
        let expression = try CronExpression("*/15 9-17/4 1,15 jan-MAR,Dec mon-FRI")
        #expect(expression.minutes == [0, 15, 30, 45])
        #expect(expression.hours == [9, 13, 17])
        #expect(expression.daysOfMonth == [1, 15])
        #expect(expression.months == [1, 2, 3, 12])
        #expect(expression.daysOfWeek == [1, 2, 3, 4, 5])
        #expect(try CronExpression("5/20 * * * *").minutes == [5, 25, 45])
        #expect(try CronExpression("0 0 * * 5-7").daysOfWeek == [0, 5, 6])
        #expect(try CronExpression("@hourly").minutes == [0])
    }

    @Test("day of week 0 and 7 are both Sunday")
    func sundayTwice() throws {
        // 2026-05-17 is a Sunday.
        let seven = try firings("0 12 * * 7", after: "2026-05-12T00:00:00Z", count: 2)
        let zero = try firings("0 12 * * 0", after: "2026-05-12T00:00:00Z", count: 2)
        #expect(seven == ["2026-05-17T12:00:00Z", "2026-05-24T12:00:00Z"])
        #expect(zero == seven)
    }

    @Test("with day of month and day of week both restricted, either one matches (Vixie)")
    func vixieDayOr() throws {
        // From Friday 2026-05-08: Monday the 11th, the 15th (a Friday), Monday the 18th.
        let both = try firings("0 0 15 * MON", after: "2026-05-08T00:00:00Z", count: 3)
        #expect(both == ["2026-05-11T00:00:00Z", "2026-05-15T00:00:00Z", "2026-05-18T00:00:00Z"])

        // A `*`-led day-of-week leaves only the day of month in play.
        let domOnly = try firings("0 0 15 * */1", after: "2026-05-08T00:00:00Z", count: 2)
        #expect(domOnly == ["2026-05-15T00:00:00Z", "2026-06-15T00:00:00Z"])
    }

    @Test("next is strictly after the given instant and walks minutes, hours, months and leap days")
    func nextInUTC() throws {
        #expect(
            try firings("*/20 * * * *", after: "2026-05-12T10:20:00Z", count: 3)
                == ["2026-05-12T10:40:00Z", "2026-05-12T11:00:00Z", "2026-05-12T11:20:00Z"])
        #expect(
            try firings("30 23 31 * *", after: "2026-01-31T23:30:00Z", count: 2)
                == ["2026-03-31T23:30:00Z", "2026-05-31T23:30:00Z"])
        #expect(try firings("0 0 29 2 *", after: "2026-01-01T00:00:00Z", count: 1) == ["2028-02-29T00:00:00Z"])
        let fractional = T.utc("2026-05-12T10:19:59Z").addingTimeInterval(0.5)
        #expect(
            try CronExpression("20 10 * * *").next(after: fractional, in: T.utcZone) == T.utc("2026-05-12T10:20:00Z"))
    }

    @Test("the wall clock of the entry's zone decides, not UTC's")
    func zoneWallClock() throws {
        // 09:00 in Chicago in May is 14:00 UTC (CDT, UTC-5).
        #expect(
            try firings("0 9 * * *", after: "2026-05-12T00:00:00Z", count: 2, zone: T.chicago)
                == ["2026-05-12T14:00:00Z", "2026-05-13T14:00:00Z"])
    }

    @Test("parse errors name the field and the bad token")
    func parseErrors() {
        let cases: [(String, String)] = [
            ("* * * *", "cron \"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
            ("61 * * * *", "cron \"61 * * * *\": minute field: \"61\" is out of range 0-59"),
            ("0 5-24 * * *", "cron \"0 5-24 * * *\": hour field: \"24\" is out of range 0-23"),
            ("0 0 0 * *", "cron \"0 0 0 * *\": day-of-month field: \"0\" is out of range 1-31"),
            ("0 0 * FOO *", "cron \"0 0 * FOO *\": month field: \"FOO\" is not a number or a name"),
            ("0 0 * * FUNDAY", "cron \"0 0 * * FUNDAY\": day-of-week field: \"FUNDAY\" is not a number or a name"),
            ("*/0 * * * *", "cron \"*/0 * * * *\": minute field: \"*/0\" has a step that is not a positive number"),
            ("0 17-9 * * *", "cron \"0 17-9 * * *\": hour field: \"17-9\" is a backwards range"),
            ("1,,2 * * * *", "cron \"1,,2 * * * *\": minute field: \"1,,2\" has an empty list item"),
            ("MON * * * *", "cron \"MON * * * *\": minute field: \"MON\" is not a number"),
            ("0 0 30 2 *", "cron \"0 0 30 2 *\": day-of-month field: \"30\" never occurs in month \"2\""),
            ("@fortnightly", "cron \"@fortnightly\": unknown macro \"@fortnightly\""),
        ]
        for (source, reason) in cases {
            #expect(parseFailure(source) == reason)
        }
    }
}
