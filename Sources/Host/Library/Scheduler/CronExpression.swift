import Foundation

/// A standard five-field cron expression — `minute hour day-of-month month day-of-week` — with Vixie cron's
/// grammar and semantics:
///
/// - each field is a comma list of `*`, `n`, `a-b`, `*/step`, `a-b/step` or `a/step` (= `a-<max>/step`);
/// - months may be written `JAN`…`DEC` and days of the week `SUN`…`SAT` (any case); day of week 0 and 7 are
///   both Sunday;
/// - when day-of-month and day-of-week are both restricted (neither starts with `*`), a day matches if
///   *either* matches (`0 0 1,15 * MON` runs on the 1st, the 15th and every Monday);
/// - `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly` stand for their usual
///   five-field forms.
///
/// ## Daylight-saving time
///
/// `next(after:in:)` works on the wall clock of the entry's IANA time zone. Following Vixie cron and cronie, an
/// expression whose minute and hour fields both avoid `*` names fixed times of day (`30 2 * * *`); any other is
/// a wildcard expression (`0 * * * *`, `*/15 * * * *`). Across a DST change they behave differently:
///
/// | wall time | fixed time of day | wildcard |
/// |---|---|---|
/// | skipped (spring forward) | fires once at the first instant after the gap | does not fire |
/// | repeated (fall back) | fires once, at the first occurrence | fires at both occurrences |
///
/// So in America/Chicago, `30 2 * * *` fires at 03:00 CDT on 2026-03-08 and at 01:30 CDT (not again at 01:30
/// CST) for `30 1 * * *` on 2026-11-01; `0 * * * *` fires once per real hour that begins on a whole wall-clock
/// hour: 23 times on 2026-03-08 (there is no 02:00) and 25 times on 2026-11-01 (01:00 CDT and 01:00 CST are
/// different hours). Several wall times mapped onto the same instant fire once.
///
/// Backward UTC-offset changes larger than ``maximumOffsetDrop`` (none in tzdata since DST began) are not
/// handled.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The five fields, named as in error messages.
    public enum Field: String, Sendable, CaseIterable {
        case minute
        case hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"

        var bounds: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// The value of the first name (`JAN` is 1, `SUN` is 0).
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    /// The largest backward UTC-offset change `next(after:in:)` looks back over (fall-back is one hour).
    public static let maximumOffsetDrop: Int64 = 3 * 3600

    /// The text the expression was parsed from.
    public let source: String
    /// Sorted values of each field; day of week uses 0 for Sunday (a 7 is folded into 0).
    public let minutes: [Int]
    public let hours: [Int]
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    public let daysOfWeek: Set<Int>
    /// The day-of-month field does not start with `*` (Vixie's rule for "either matches").
    let dayOfMonthRestricted: Bool
    /// The day-of-week field does not start with `*`.
    let dayOfWeekRestricted: Bool
    /// Minute and hour both avoid `*`: the expression names fixed times of day, which DST moves or
    /// de-duplicates instead of skipping or repeating (see the type's documentation).
    public let isFixedTimeOfDay: Bool

    /// Parses `source`; throws `HostError.badConfiguration` whose reason names the field and the bad token.
    public init(_ source: String) throws {
        let macros = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        let trimmed = source.trimmingCharacters(in: .whitespaces)
        let expanded = trimmed.hasPrefix("@") ? macros[trimmed.lowercased()] : trimmed
        guard let expanded else {
            throw HostError(.badConfiguration, "cron \"\(source)\": unknown macro \"\(trimmed)\"")
        }

        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            let names = Field.allCases.map(\.rawValue).joined(separator: " ")
            throw HostError(.badConfiguration, "cron \"\(source)\": expected 5 fields (\(names)), got \(fields.count)")
        }

        var values: [Field: Set<Int>] = [:]
        for (field, text) in zip(Field.allCases, fields) {
            values[field] = try Self.parse(text, field: field, source: source)
        }

        self.source = source
        minutes = values[.minute, default: []].sorted()
        hours = values[.hour, default: []].sorted()
        daysOfMonth = values[.dayOfMonth, default: []]
        months = values[.month, default: []]
        daysOfWeek = Set(values[.dayOfWeek, default: []].map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        isFixedTimeOfDay = !fields[0].hasPrefix("*") && !fields[1].hasPrefix("*")

        // A day of month no selected month has (`0 0 30 2 *`) would never fire: say so now, not never.
        let longestMonth = months.map { [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$0 - 1] }.max() ?? 31
        if !(dayOfWeekRestricted && dayOfMonthRestricted) && daysOfMonth.allSatisfy({ $0 > longestMonth }) {
            throw HostError(
                .badConfiguration,
                "cron \"\(source)\": day-of-month field: \"\(fields[2])\" never occurs in month \"\(fields[3])\"")
        }
    }

    public var description: String { source }

    /// Whether the calendar day matches (month, then day of month and/or day of week as Vixie cron does).
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let domMatches = daysOfMonth.contains(day)
        let dowMatches = daysOfWeek.contains(weekday)
        return dayOfMonthRestricted && dayOfWeekRestricted ? domMatches || dowMatches : domMatches && dowMatches
    }

    /// One field's comma list.
    private static func parse(_ text: String, field: Field, source: String) throws -> Set<Int> {
        var result: Set<Int> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let fail = { (token: String, why: String) in
                HostError(.badConfiguration, "cron \"\(source)\": \(field.rawValue) field: \"\(token)\" \(why)")
            }
            guard !item.isEmpty else { throw fail(text, "has an empty list item") }

            // Split `base/step`.
            let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw fail(item, "has more than one step") }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value > 0 else {
                    throw fail(item, "has a step that is not a positive number")
                }
                step = value
            }

            // The base: `*`, `a-b` or `a` (which, with a step, runs to the field's maximum).
            let base = parts[0]
            var range: ClosedRange<Int>
            if base == "*" {
                range = field == .dayOfWeek ? 0...6 : field.bounds
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(String(base[..<dash]), field: field, fail: fail)
                let high = try value(String(base[base.index(after: dash)...]), field: field, fail: fail)
                guard low <= high else { throw fail(item, "is a backwards range") }
                range = low...high
            } else {
                let single = try value(base, field: field, fail: fail)
                range = single...(parts.count == 2 ? field.bounds.upperBound : single)
            }
            result.formUnion(stride(from: range.lowerBound, through: range.upperBound, by: step))
        }
        return result
    }

    /// One number or name, checked against the field's bounds.
    private static func value(_ token: String, field: Field, fail: (String, String) -> HostError) throws -> Int {
        if let index = field.names.firstIndex(of: token.uppercased()) { return index + field.firstNameValue }
        guard let number = Int(token), !token.hasPrefix("+") else {
            throw fail(token, field.names.isEmpty ? "is not a number" : "is not a number or a name")
        }
        guard field.bounds.contains(number) else {
            throw fail(token, "is out of range \(field.bounds.lowerBound)-\(field.bounds.upperBound)")
        }
        return number
    }
}
