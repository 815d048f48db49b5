import Foundation

/// One schedule entry's state as a value-type state machine on an injected clock. The owner calls
/// `due(at:running:)` whenever the clock passes the instant of the last `.wait(until:)` (or on any tick) and
/// performs the returned action; it reports each fired call's outcome with `record(_:forSlot:)` and persists
/// `persisted` with every change.
///
/// ## Slots, lateness and missed runs
///
/// The entry waits for `nextDue`, a slot of its `ScheduleSpec`, which fires at the slot plus jitter. When
/// `due` is called at or after that instant:
///
/// - **On time** — no later slot has come yet and the call is at most `grace` past the fire instant: the slot
///   fires (or is skipped for overlap).
/// - **Missed** — the host was not there for the slot (stopped, stalled, or a replay clock jumped): a later slot
///   has also come, or the call is more than `grace` late. Then, per `MissedRunPolicy`:
///   - `.runOnceNow`: fire once now, for the latest slot that has come; the slots before it count as missed;
///     then continue on the normal grid.
///   - `.skipToNext`: fire nothing; every slot that has come counts as missed; wait for the next future slot.
///
/// Either way at most one call results, never a burst of catch-up runs.
///
/// **No overlap**: when a slot would fire while the previous run is still queued or running, it is skipped,
/// counted in `skippedOverlapCount`, and the entry moves on to its next slot.
public struct ScheduleEntryState: Sendable, Equatable {
    /// How a fired (or skipped) slot ended.
    public enum Outcome: String, Sendable, Codable {
        case succeeded
        case failed
        case expired
        /// Not run because the previous run was still queued or running.
        case skipped
    }

    /// What to do about slots that came while the host was not there to fire them.
    public enum MissedRunPolicy: String, Sendable, Codable {
        /// Fire once immediately for the latest missed slot, then resume on the grid.
        case runOnceNow
        /// Record the missed slots and fire at the next future slot.
        case skipToNext
    }

    /// What the owner should do now.
    public enum Action: Sendable, Equatable {
        /// Submit the entry's call for nominal slot `scheduledFor`.
        case fire(scheduledFor: Date)
        /// The slot came while the previous run is still queued or running; nothing to submit.
        case skipOverlap
        /// Nothing due before this instant (`Date.distantFuture` if the spec never fires again).
        case wait(until: Date)
    }

    public let spec: ScheduleSpec
    public let missedRunPolicy: MissedRunPolicy
    /// How late past its fire instant a slot still counts as on time (the owner's tick and wake-up latency).
    public let grace: TimeInterval

    /// The slot the entry waits for; nil when the spec has no further slot.
    public private(set) var nextDue: Date?
    public private(set) var lastFiredScheduledFor: Date?
    public private(set) var lastFiredAt: Date?
    /// The outcome of the last fired or skipped slot; nil while the first run has not reported one.
    public private(set) var lastOutcome: Outcome?
    public private(set) var firedCount = 0
    public private(set) var skippedOverlapCount = 0
    /// Slots that came and were neither fired nor skipped for overlap (see the type's documentation).
    public private(set) var missedCount = 0

    /// A new entry with no history: its first slot is the first at or after `now`.
    public init(spec: ScheduleSpec, missedRunPolicy: MissedRunPolicy, grace: TimeInterval = 5, now: Date) {
        self.spec = spec
        self.missedRunPolicy = missedRunPolicy
        self.grace = grace
        nextDue = spec.firstSlot(onOrAfter: now)
    }

    /// An entry restored from the store. It waits for the later of the persisted `nextDue` and the slot after
    /// the last fired one (both taken on the current spec's grid, which configuration may have changed), so a
    /// slot that already fired never fires again, and one that came while the host was down is handled by
    /// the missed-run policy on the first `due(at:running:)`.
    public init(
        spec: ScheduleSpec, missedRunPolicy: MissedRunPolicy, grace: TimeInterval = 5,
        restoring persisted: PersistedScheduleEntry, now: Date
    ) {
        self.spec = spec
        self.missedRunPolicy = missedRunPolicy
        self.grace = grace
        lastFiredScheduledFor = persisted.lastFiredScheduledFor
        lastFiredAt = persisted.lastFiredAt
        lastOutcome = persisted.lastOutcome
        firedCount = persisted.firedCount
        skippedOverlapCount = persisted.skippedOverlapCount
        missedCount = persisted.missedCount

        let afterLastFired = persisted.lastFiredScheduledFor.map { spec.nextSlot(after: $0) }
        let persistedNext = persisted.nextDue.flatMap { spec.firstSlot(onOrAfter: $0) }
        switch (afterLastFired, persistedNext) {
        case (nil, nil): nextDue = spec.firstSlot(onOrAfter: now)
        case (nil, let next?): nextDue = next
        case (let afterLast?, nil): nextDue = afterLast
        case (let afterLast?, let next?): nextDue = afterLast.map { max($0, next) }
        }
    }

    /// The record to persist after every change.
    public var persisted: PersistedScheduleEntry {
        PersistedScheduleEntry(
            lastFiredScheduledFor: lastFiredScheduledFor, nextDue: nextDue, lastFiredAt: lastFiredAt,
            lastOutcome: lastOutcome, firedCount: firedCount, skippedOverlapCount: skippedOverlapCount,
            missedCount: missedCount)
    }

    /// When the entry next needs `due(at:running:)`: the fire instant of `nextDue`.
    public var nextFireAt: Date? { nextDue.map(spec.fireTime(forSlot:)) }

    /// Decides what happens at `now`; `running` says whether the entry's previous call is still queued or
    /// running. Advances `nextDue` past every slot that has come.
    public mutating func due(at now: Date, running: Bool) -> Action {
        guard let slot = nextDue else { return .wait(until: .distantFuture) }
        let fireAt = spec.fireTime(forSlot: slot)
        if now < fireAt { return .wait(until: fireAt) }

        // Walk past the slots that have also come since; the latest is the one a late firing runs for.
        var latest = slot
        var passedOver = 0
        while let later = spec.nextSlot(after: latest), spec.fireTime(forSlot: later) <= now {
            latest = later
            passedOver += 1
        }
        nextDue = spec.nextSlot(after: latest)

        // The host was not there for `slot`: skip everything that came, or fire once for the latest.
        let onTime = passedOver == 0 && now.timeIntervalSince(fireAt) <= grace
        if !onTime && missedRunPolicy == .skipToNext {
            missedCount += passedOver + 1
            return .wait(until: nextFireAt ?? .distantFuture)
        }
        missedCount += passedOver

        if running {
            skippedOverlapCount += 1
            lastOutcome = .skipped
            return .skipOverlap
        }
        firedCount += 1
        lastFiredScheduledFor = latest
        lastFiredAt = now
        return .fire(scheduledFor: latest)
    }

    /// Records how the call fired for `slot` ended; a report for an older slot is ignored (returns false).
    @discardableResult
    public mutating func record(_ outcome: Outcome, forSlot slot: Date) -> Bool {
        guard slot == lastFiredScheduledFor else { return false }
        lastOutcome = outcome
        return true
    }
}
