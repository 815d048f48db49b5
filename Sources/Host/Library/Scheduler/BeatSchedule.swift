/// The beat schedule as a value-type state machine on an injected clock: `due(at:)` returns the entries
/// whose slot has come and moves each to its next slot. After a stall (or a replay clock that jumped) an
/// entry fires once and skips to the next future slot — never a burst of catch-up runs.
public struct BeatSchedule: Sendable {
    public struct Entry: Sendable, Equatable {
        public let config: ScheduleEntryConfig
        public let intervalMs: Int64
        public var nextMs: Int64
        public var fired = 0
        /// Firings skipped because the previous run was still queued or running.
        public var skippedOverlap = 0
        /// Slots passed over after a stall.
        public var missedSlots = 0
    }

    public private(set) var entries: [Entry]

    /// Entries start firing at `startMs` (all at once: a new host computes every view immediately).
    public init(config: [ScheduleEntryConfig], startMs: Int64) {
        entries = config.filter(\.enabled).map {
            Entry(config: $0, intervalMs: max(1, Int64(($0.everySeconds * 1000).rounded())), nextMs: startMs)
        }
    }

    /// Entries due at `nowMs`. An entry named in `running` is not fired again (no overlap); its skip is
    /// counted and it waits for its next slot.
    public mutating func due(at nowMs: Int64, running: Set<String> = []) -> [ScheduleEntryConfig] {
        var fired: [ScheduleEntryConfig] = []
        for index in entries.indices where entries[index].nextMs <= nowMs {
            let slots = (nowMs - entries[index].nextMs) / entries[index].intervalMs
            entries[index].missedSlots += Int(slots)
            entries[index].nextMs += (slots + 1) * entries[index].intervalMs
            if running.contains(entries[index].config.name) {
                entries[index].skippedOverlap += 1
            } else {
                entries[index].fired += 1
                fired.append(entries[index].config)
            }
        }
        return fired
    }

    /// When the next entry is due; nil when nothing is scheduled.
    public var nextDueMs: Int64? { entries.map(\.nextMs).min() }
}
