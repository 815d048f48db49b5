/// Fast parsers for the time notations in the TRD files; none allocates or uses `DateFormatter`.
public enum TRDTime {
    public static let dayMs: Int64 = 86_400_000
    /// Instants the readers accept: years 2000 through 2100 (UTC), 2000-01-01T00:00:00Z up to, not
    /// including, 2101-01-01T00:00:00Z. Anything else in a time column is an implausible row.
    public static let plausibleInstantMs: Range<Int64> = 946_684_800_000..<4_133_980_800_000

    /// True when `ms` lies in `plausibleInstantMs`.
    public static func isPlausibleInstant(_ ms: Int64) -> Bool { plausibleInstantMs.contains(ms) }

    /// Unix seconds (a `Double` from a file) → ms, rounded; nil when not finite or outside `Int64`
    /// (a checked conversion: `Int64(_:)` would trap on `99999999999999999999`).
    public static func milliseconds(fromSeconds seconds: Double) -> Int64? {
        Int64(exactly: (seconds * 1000).rounded())
    }

    /// ISO-8601 UTC instant `2025-09-06T18:40:41.926Z` (fraction of any length, optional; `Z`,
    /// `+00:00` or nothing) → ms since the Unix epoch. Nil when malformed.
    public static func parseISO(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseISO(bytes: $0) }
    }

    static func parseISO(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let minute = minuteMs(bytes), let within = msWithinMinute(bytes) else { return nil }
        return minute + within
    }

    /// The last `yyyy-mm-ddThh:mm` prefix parsed and its instant: the feed repeats it on thousands of rows.
    struct ISOMinuteCache {
        /// The 16 prefix bytes packed in two words; `valid` false until the first parse.
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var valid = false
        var minuteMs: Int64 = 0
    }

    /// `parseISO(bytes:)` with the minute prefix taken from `cache` when it repeats; same result, same
    /// refusals (the cache only holds a prefix that parsed).
    static func parseISO(bytes: UnsafeBufferPointer<UInt8>, cache: inout ISOMinuteCache) -> Int64? {
        guard bytes.count >= 19, let within = msWithinMinute(bytes) else { return nil }
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if cache.valid, cache.head == head, cache.tail == tail { return cache.minuteMs + within }

        guard let minute = minuteMs(bytes) else { return nil }
        cache = ISOMinuteCache(head: head, tail: tail, valid: true, minuteMs: minute)
        return minute + within
    }

    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ length: Int) -> Int? {
        var value = 0
        for index in from..<(from + length) {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// `yyyy-mm-ddThh:mm` (bytes 0..<16; `T` or a space) → ms since the epoch; nil when malformed.
    private static func minuteMs(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
            let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
            let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60)) * 1000
    }

    /// `:ss[.fff…][Z|+00:00]` (bytes 16…) → ms within the minute; nil when malformed. The first three
    /// fraction digits are milliseconds, the rest is ignored.
    private static func msWithinMinute(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let count = bytes.count
        guard count >= 19, bytes[16] == UInt8(ascii: ":"), let second = digits(bytes, 17, 2), second < 61 else {
            return nil
        }
        var millis = 0
        var index = 19
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100
            while index < count, bytes[index] >= 48, bytes[index] <= 57 {
                millis += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        let suffix = count - index
        guard
            suffix == 0 || (suffix == 1 && bytes[index] == UInt8(ascii: "Z"))
                || (suffix == 6 && bytes[index] == UInt8(ascii: "+") && digits(bytes, index + 1, 2) == 0
                    && digits(bytes, index + 4, 2) == 0)
        else { return nil }
        return Int64(second * 1000 + millis)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Al Kamel durations and clock times → ms: `33.413`, `1:54.168`, `12:21.996`, `0:00:42.522`,
    /// `13:42:35.322` (as ms since midnight). Nil for empty or malformed text, and for values too large for
    /// `Int64` milliseconds (checked arithmetic; `99999999999999999:00` is nil, not a trap).
    public static func parseDuration(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 3 else { return nil }

        // Seconds with an optional fraction, in the last part.
        guard let secondsMs = parseSecondsMs(parts[parts.count - 1]) else { return nil }
        var total = secondsMs
        var unit: Int64 = 60_000
        for part in parts.dropLast().reversed() {
            guard !part.isEmpty, part.allSatisfy(isDigit), let value = Int64(part) else { return nil }
            let (partMs, productOverflow) = value.multipliedReportingOverflow(by: unit)
            let (sum, sumOverflow) = total.addingReportingOverflow(partMs)
            guard !productOverflow, !sumOverflow else { return nil }
            total = sum
            unit *= 60
        }
        if parts.count > 1, secondsMs >= 60_000 { return nil }
        return total
    }

    private static func parseSecondsMs(_ text: Substring) -> Int64? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, !pieces[0].isEmpty, pieces[0].allSatisfy(isDigit),
            let whole = Int64(pieces[0])
        else { return nil }
        var millis: Int64 = 0
        if pieces.count == 2 {
            let fraction = pieces[1]
            guard fraction.allSatisfy(isDigit) else { return nil }
            var scale: Int64 = 100
            for character in fraction.prefix(3) {
                millis += Int64(character.asciiValue! - 48) * scale
                scale /= 10
            }
        }
        let (wholeMs, overflow) = whole.multipliedReportingOverflow(by: 1000)
        guard !overflow, wholeMs <= Int64.max - millis else { return nil }
        return wholeMs + millis
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false
    }
}
