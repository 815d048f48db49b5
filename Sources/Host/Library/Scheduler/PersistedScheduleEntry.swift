import Foundation

/// What the store keeps of one schedule entry between runs, so that a restart neither repeats nor skips a
/// slot. The host writes it in the same transaction that enqueues the fired call (or records the skip).
public struct PersistedScheduleEntry: Sendable, Equatable, Codable {
    /// The nominal slot of the last firing; restoring never fires this slot or an earlier one again.
    public var lastFiredScheduledFor: Date?
    /// The slot the entry was waiting for (later than `lastFiredScheduledFor` after a skip).
    public var nextDue: Date?
    /// The wall-clock instant of the last firing, for `roadsense ctl schedule`.
    public var lastFiredAt: Date?
    public var lastOutcome: ScheduleEntryState.Outcome?
    public var firedCount: Int
    public var skippedOverlapCount: Int
    public var missedCount: Int

    public init(
        lastFiredScheduledFor: Date?, nextDue: Date?, lastFiredAt: Date? = nil,
        lastOutcome: ScheduleEntryState.Outcome? = nil, firedCount: Int = 0, skippedOverlapCount: Int = 0,
        missedCount: Int = 0
    ) {
        self.lastFiredScheduledFor = lastFiredScheduledFor
        self.nextDue = nextDue
        self.lastFiredAt = lastFiredAt
        self.lastOutcome = lastOutcome
        self.firedCount = firedCount
        self.skippedOverlapCount = skippedOverlapCount
        self.missedCount = missedCount
    }
}
