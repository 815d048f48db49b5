import Foundation

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
}
