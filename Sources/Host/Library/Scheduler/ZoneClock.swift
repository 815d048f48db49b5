import Foundation

/// A time zone's wall clock in whole seconds: offsets, and the instants at which it shows a wall time.
struct ZoneClock {
    let zone: TimeZone

    /// Seconds east of UTC at Unix second `instant`.
    func offset(at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// Every instant (ascending) at which the clock reads `wall`: one, two in a repeated hour, none in a gap.
    func instants(showing wall: Int64) -> [Int64] {
        // Any offset in force near `wall` is in force a day either side of it, or at it.
        let offsets = Set([wall - 86400, wall, wall + 86400].map(offset(at:)))
        return Set(offsets.map { wall - $0 }.filter { $0 + offset(at: $0) == wall }).sorted()
    }

    /// The first instant after the gap that skips `wall`: the spring-forward transition itself.
    func endOfGap(containing wall: Int64) -> Int64 {
        let offsets = [wall - 86400, wall, wall + 86400].map(offset(at:))

        // The clock reads before `wall` at `low` and after it at `high`; bisect to the first second past it.
        var low = wall - offsets.max()!
        var high = wall - offsets.min()!
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(at: middle) > wall { high = middle } else { low = middle }
        }
        return high
    }
}
