import Foundation

// Finding the next firing instant. Wall-clock times are counted as "wall seconds": seconds since 1970-01-01
// 00:00 on the zone's wall clock, so that calendar arithmetic on them never meets a DST change; the zone's
// UTC offsets (Foundation's tzdata) then map each wall time to the instants at which the clock shows it.
extension CronExpression {
    /// How far ahead `next(after:in:)` searches before deciding the expression never fires again.
    static let searchHorizonDays: Int64 = 366 * 10

    /// The first instant strictly after `instant` at which the expression fires in `zone`, following the DST
    /// rules in the type's documentation; nil if it never fires within ten years.
    public func next(after instant: Date, in zone: TimeZone) -> Date? {
        next(afterSecond: Int64(instant.timeIntervalSince1970.rounded(.down)), in: zone)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The first firing instant, in Unix seconds, strictly after Unix second `after`.
    func next(afterSecond after: Int64, in zone: TimeZone) -> Int64? {
        let clock = ZoneClock(zone: zone)

        // Normally no wall time before now's can fire after now; only a fall-back just ahead repeats some.
        let offsetNow = clock.offset(at: after)
        let dropAhead = max(0, offsetNow - clock.offset(at: after + Self.maximumOffsetDrop))
        var wall = Self.floorDiv(after + offsetNow - dropAhead, 60) * 60
        let horizon = after + offsetNow + Self.searchHorizonDays * 86400

        // Walk matching wall times in order, keeping the earliest instant after `after`. Once one is found,
        // a later wall time can only beat it if the clock fell back shortly before it.
        var best: Int64?
        var stopWall = Int64.max
        while let candidate = nextMatchingWall(atOrAfter: wall), candidate <= horizon, candidate <= stopWall {
            for instant in firingInstants(wall: candidate, clock: clock) where instant > after {
                if best == nil || instant < best! {
                    best = instant
                    let offset = clock.offset(at: instant)
                    let dropBehind = max(0, clock.offset(at: instant - Self.maximumOffsetDrop) - offset)
                    stopWall = instant + offset + dropBehind
                }
            }
            wall = candidate + 60
        }
        return best
    }

    /// The first wall time at or after `wall` (a whole minute) whose fields all match.
    func nextMatchingWall(atOrAfter wall: Int64) -> Int64? {
        var day = Self.floorDiv(wall, 86400)
        var secondOfDay = Int(wall - day * 86400)
        for _ in 0...Self.searchHorizonDays {
            if dayMatches(day) {
                for hour in hours where hour >= secondOfDay / 3600 {
                    for minute in minutes where hour * 3600 + minute * 60 >= secondOfDay {
                        return day * 86400 + Int64(hour * 3600 + minute * 60)
                    }
                }
            }
            day += 1
            secondOfDay = 0
        }
        return nil
    }

    /// Whether the wall-clock day (days since 1970-01-01, a Thursday) matches.
    private func dayMatches(_ day: Int64) -> Bool {
        let date = Date(timeIntervalSince1970: TimeInterval(day * 86400))
        let parts = Self.wallCalendar.dateComponents([.month, .day], from: date)
        let weekday = Int((day % 7 + 7 + 4) % 7)
        return matchesDay(month: parts.month ?? 0, day: parts.day ?? 0, weekday: weekday)
    }

    /// The instants at which this expression fires for wall time `wall` (see the DST table in the type's
    /// documentation): usually one; none or one when the zone skips it; one or two when it repeats.
    func firingInstants(wall: Int64, clock: ZoneClock) -> [Int64] {
        let instants = clock.instants(showing: wall)
        if instants.isEmpty { return isFixedTimeOfDay ? [clock.endOfGap(containing: wall)] : [] }
        return isFixedTimeOfDay ? [instants[0]] : instants
    }

    /// A Gregorian calendar on UTC, used for wall-second arithmetic (it has no DST of its own).
    static let wallCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Division rounding toward negative infinity (wall seconds before 1970 are negative).
    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
