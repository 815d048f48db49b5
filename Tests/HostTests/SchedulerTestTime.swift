import Foundation
import RoadSenseHost

/// Instants and zones for the scheduler tests, written as ISO 8601 text so a reader can check them by hand.
enum SchedulerTestTime {
    static let chicago = TimeZone(identifier: "America/Chicago")!
    static let utcZone = TimeZone(identifier: "UTC")!

    /// `"2026-03-08T08:00:00Z"` as a `Date`.
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else { preconditionFailure("bad test instant \(text)") }
        return date
    }

    /// `date` as ISO 8601 UTC text, for readable failures.
    static func text(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The next `count` firings of cron `source` after `start` in `zone`, as UTC text.
    static func firings(_ source: String, after start: String, count: Int, zone: TimeZone) throws -> [String] {
        let expression = try CronExpression(source)
        var instant = utc(start)
        var result: [String] = []
        for _ in 0..<count {
            guard let next = expression.next(after: instant, in: zone) else { break }
            result.append(text(next))
            instant = next
        }
        return result
    }
}
