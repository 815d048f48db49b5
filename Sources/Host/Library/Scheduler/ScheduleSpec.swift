import Foundation

/// When a schedule entry comes due: a grid of nominal *slots*, each fired at the slot plus an optional,
/// deterministic jitter.
///
/// - `.every(seconds)`: slots on a fixed grid aligned to the Unix epoch (a 45 s entry's slots are the
///   multiples of 45 s since 1970-01-01 00:00 UTC), so every host and every restart agrees on them.
/// - `.cron(expression, zone)`: the expression's firing instants in that IANA zone, with the DST rules
///   documented on `CronExpression`.
///
/// A slot's identity is its nominal instant (what `ScheduleEntryState` persists as "last fired slot");
/// jitter only delays when it fires. Jitter should stay below the shortest gap between slots.
public struct ScheduleSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Timing: Sendable, Equatable {
        case every(TimeInterval)
        case cron(CronExpression, TimeZone)
    }

    /// A delay in `[0, maximum)` seconds, the same for a given slot and seed on every host and run.
    public struct Jitter: Sendable, Equatable {
        public var maximum: TimeInterval
        public var seed: UInt64

        public init(maximum: TimeInterval, seed: UInt64) {
            precondition(maximum >= 0, "jitter must not be negative")
            self.maximum = maximum
            self.seed = seed
        }
    }

    /// One coming firing: the nominal slot and the instant it fires (slot plus jitter).
    public struct Firing: Sendable, Equatable {
        public var slot: Date
        public var fireAt: Date
    }

    public var timing: Timing
    public var jitter: Jitter?

    public init(timing: Timing, jitter: Jitter? = nil) {
        if case .every(let seconds) = timing {
            precondition(seconds > 0, "a schedule interval must be positive (configuration validates it)")
        }
        self.timing = timing
        self.jitter = jitter
    }

    /// Slots every `seconds`, on the grid aligned to the Unix epoch.
    public static func every(_ seconds: TimeInterval) -> ScheduleSpec { ScheduleSpec(timing: .every(seconds)) }

    /// Slots at the firing instants of `expression` in `zone`.
    public static func cron(_ expression: CronExpression, _ zone: TimeZone) -> ScheduleSpec {
        ScheduleSpec(timing: .cron(expression, zone))
    }

    /// The same slots, each fired up to `maximum` seconds late, by an amount fixed by `seed` and the slot.
    public func jittered(upTo maximum: TimeInterval, seed: UInt64) -> ScheduleSpec {
        ScheduleSpec(timing: timing, jitter: Jitter(maximum: maximum, seed: seed))
    }

    public var description: String {
        let base =
            switch timing {
            case .every(let seconds): "every \(Self.text(seconds)) s"
            case .cron(let expression, let zone): "cron \"\(expression)\" \(zone.identifier)"
            }
        return jitter.map { "\(base), jitter < \(Self.text($0.maximum)) s" } ?? base
    }

    /// `10` rather than `10.0`; fractions as they are.
    private static func text(_ seconds: TimeInterval) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }

    /// The first slot strictly after `instant`; nil if there is none (a cron that never fires again).
    public func nextSlot(after instant: Date) -> Date? {
        switch timing {
        case .every(let seconds):
            let index = (instant.timeIntervalSince1970 / seconds).rounded(.down) + 1
            return Date(timeIntervalSince1970: index * seconds)
        case .cron(let expression, let zone):
            return expression.next(after: instant, in: zone)
        }
    }

    /// The first slot at or after `instant`.
    public func firstSlot(onOrAfter instant: Date) -> Date? {
        switch timing {
        case .every(let seconds):
            let index = (instant.timeIntervalSince1970 / seconds).rounded(.up)
            return Date(timeIntervalSince1970: index * seconds)
        case .cron(let expression, let zone):
            // Cron slots are whole seconds: the first one after the whole second before `instant`.
            let second = Int64(instant.timeIntervalSince1970.rounded(.up)) - 1
            return expression.next(afterSecond: second, in: zone).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    /// When `slot` fires: the slot plus its jitter.
    public func fireTime(forSlot slot: Date) -> Date {
        guard let jitter, jitter.maximum > 0 else { return slot }

        // SplitMix64 of seed and slot (in milliseconds), scaled to [0, maximum) and cut to whole milliseconds.
        var state =
            jitter.seed &+ 0x9e37_79b9_7f4a_7c15
            &+ UInt64(bitPattern: Int64((slot.timeIntervalSince1970 * 1000).rounded()))
        state = (state ^ (state >> 30)) &* 0xbf58_476d_1ce4_e5b9
        state = (state ^ (state >> 27)) &* 0x94d0_49bb_1331_11eb
        state ^= state >> 31
        let fraction = Double(state >> 11) * 0x1p-53
        return slot.addingTimeInterval((fraction * jitter.maximum * 1000).rounded(.down) / 1000)
    }

    /// The first slot strictly after `instant`, with the instant it fires.
    public func nextFire(after instant: Date) -> Firing? {
        nextSlot(after: instant).map { Firing(slot: $0, fireAt: fireTime(forSlot: $0)) }
    }
}
