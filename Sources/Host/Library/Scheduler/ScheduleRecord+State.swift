import Foundation
import RoadSenseStore

/// Between the scheduler's state (dates) and the store's record (milliseconds).
extension ScheduleRecord {
    init(entry: String, spec: ScheduleSpec, persisted p: PersistedScheduleEntry, owner: String) {
        self.init(
            entry: entry, spec: spec.description, lastSlotMs: p.lastFiredScheduledFor.map(Self.ms),
            nextSlotMs: p.nextDue.map(Self.ms), lastFiredMs: p.lastFiredAt.map(Self.ms),
            lastOutcome: p.lastOutcome?.rawValue, fired: p.firedCount, skippedOverlap: p.skippedOverlapCount,
            missed: p.missedCount, owner: owner)
    }

    var persisted: PersistedScheduleEntry {
        PersistedScheduleEntry(
            lastFiredScheduledFor: lastSlotMs.map(Self.date), nextDue: nextSlotMs.map(Self.date),
            lastFiredAt: lastFiredMs.map(Self.date), lastOutcome: lastOutcome.flatMap(ScheduleEntryState.Outcome.init),
            firedCount: fired, skippedOverlapCount: skippedOverlap, missedCount: missed)
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(ms) / 1000) }
}
