import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// Runs the configured beat schedule on an injected clock: one `ScheduleEntryState` per enabled entry, the
/// leadership that makes this the one active scheduler among the hosts sharing a store, and the entries'
/// records in that store.
///
/// - **Modes.** With a store and a leadership handle (live mode) the scheduler fires only while it holds the
///   leadership; on taking it, it restores every entry from the store, so the slot the previous leader fired is
///   never fired again and the slots that came meanwhile follow each entry's missed-run policy. Without them
///   (replay mode: the replay clock is a timeline of its own) it fires from the clock's start and keeps its
///   state in memory.
/// - **Firing.** `tick(now:busy:fire:)` asks each entry what is due; for a slot that fires it calls `fire`
///   (which stores and queues the call) and saves the entry's record in the same store transaction. A slot
///   whose previous call is still queued or running is skipped and recorded (no overlap).
/// - **Outcomes.** The owner reports how each fired call ended with `finished(entry:slot:outcome:)`.
/// - **Losing the lead.** Before it fires, an active live scheduler checks (`SchedulerLeadership.verify()`) that
///   it still holds the lock; if not — its PostgreSQL session ended in a server restart or was terminated, the
///   lock file was replaced — it steps down at once (a standby may hold the lock already) and becomes a standby
///   itself, to take the leadership again through `activate(now:)` when it is free.
///
/// Confined to the host thread, like the store it writes to.
final class BeatScheduler {
    struct Entry {
        let config: ScheduleEntryConfig
        let spec: ScheduleSpec
        let policy: ScheduleEntryState.MissedRunPolicy
        /// nil while this scheduler is not active (standby) and for disabled entries.
        var state: ScheduleEntryState?
    }

    /// One slot fired: the entry, its nominal slot, and the gap to the entry's next slot (the default
    /// deadline and expiry of its call).
    struct Firing {
        let entry: ScheduleEntryConfig
        let slot: Date
        let interval: TimeInterval
    }

    private(set) var entries: [Entry]
    let store: RaceStore?
    let leadership: SchedulerLeadership?
    /// Written into each record: which host fired.
    let owner: String
    let grace: TimeInterval
    let logger: Logger
    /// Firing or not: always in replay mode; while holding the leadership in live mode.
    private(set) var isActive: Bool
    /// Times this scheduler lost the leadership it held (stepped down).
    private(set) var stepDowns = 0
    /// Runs the firing's work (`body`: enqueue the call) and saves the entry's record, as one unit: by default
    /// one store transaction. The host replaces it with its own write path (which spools during an outage).
    typealias Saver = (_ record: ScheduleRecord, _ body: () throws -> Void) throws -> Void
    var saver: Saver?

    /// Live mode when `store` and `leadership` are given; replay (in-memory, always active) otherwise.
    init(
        config: [ScheduleEntryConfig], store: RaceStore?, leadership: SchedulerLeadership?, owner: String,
        grace: TimeInterval, logger: Logger
    ) throws {
        entries = try config.map { entry in
            Entry(config: entry, spec: try entry.spec(), policy: try entry.policy(), state: nil)
        }
        self.store = store
        self.leadership = leadership
        self.owner = owner
        self.grace = grace
        self.logger = logger
        isActive = false
    }

    var isLive: Bool { leadership != nil }
    var role: String { isActive ? (isLive ? "leader" : "replay") : "standby" }

    /// Becomes active if it can: at once in replay mode; in live mode when the leadership is free. Returns true
    /// when this call made the scheduler active (the owner then takes over the previous leader's calls).
    func activate(now: Date) -> Bool {
        guard !isActive else { return false }
        if let leadership {
            do {
                guard try leadership.tryAcquire() else { return false }
            } catch {
                logger.error("cannot take the scheduler leadership; will try again", ["error": error])
                return false
            }
        }

        // Restore every entry from the store (live), or start fresh on the clock (replay).
        var records: [String: ScheduleRecord] = [:]
        if isLive, let store {
            do {
                records = Dictionary(
                    try store.scheduleRecords().map { ($0.entry, $0) }, uniquingKeysWith: { a, _ in a })
            } catch {
                // Without the records the slots already fired are unknown: stay standby rather than double-fire.
                logger.error(
                    "cannot read the schedule records; not scheduling until they can be read", ["error": error])
                leadership?.release()
                return false
            }
        }
        for index in entries.indices where entries[index].config.enabled {
            let entry = entries[index]
            entries[index].state =
                records[entry.config.name].map {
                    ScheduleEntryState(
                        spec: entry.spec, missedRunPolicy: entry.policy, grace: grace, restoring: $0.persisted, now: now
                    )
                } ?? ScheduleEntryState(spec: entry.spec, missedRunPolicy: entry.policy, grace: grace, now: now)
        }
        isActive = true

        // An entry seen for the first time is saved now, with the slot it waits for: if the host is down at that
        // slot, the next leader knows the slot came and applies the missed-run policy instead of never learning.
        for index in entries.indices where entries[index].state != nil && records[entries[index].config.name] == nil {
            save(index) {}
        }
        if isLive {
            logger.info(
                "this host now runs the schedule (scheduler leader)",
                ["lock": leadership?.resource ?? "", "entries": entries.filter(\.config.enabled).count])
        }
        return true
    }

    /// In live mode, whether this scheduler still holds the leadership; steps down (and returns false) when it
    /// does not. Always true in replay mode; false when not active.
    @discardableResult
    func confirmLeadership() -> Bool {
        guard isActive else { return false }
        guard let leadership else { return true }
        if leadership.verify() { return true }
        stepDown()
        return false
    }

    /// Stops firing: the leadership is gone. Entry states are dropped — the next `activate` reads them from the
    /// store, where the leader that fired meanwhile (if any) left them.
    private func stepDown() {
        isActive = false
        stepDowns += 1
        for index in entries.indices { entries[index].state = nil }
        leadership?.release()
        logger.warning(
            "lost the scheduler leadership (its lock session ended: a database restart, a broken connection or "
                + "pg_terminate_backend); not firing, standing by to take it again",
            ["lock": leadership?.resource ?? ""])
    }

    /// The slot the entry fired last and when (nil while inactive or never fired).
    func lastFiring(entry name: String) -> (slot: Date, at: Date)? {
        guard let state = entries.first(where: { $0.config.name == name })?.state,
            let slot = state.lastFiredScheduledFor, let at = state.lastFiredAt
        else { return nil }
        return (slot, at)
    }

    /// Fires what is due at `now`. `busy(name)` says whether the entry's previous call is still queued or running.
    /// In live mode it first confirms the leadership, so a leader that lost its lock never fires.
    func tick(now: Date, busy: (String) -> Bool, fire: (Firing) throws -> Void) {
        guard isActive, confirmLeadership() else { return }
        for index in entries.indices {
            guard var state = entries[index].state, let fireAt = state.nextFireAt, fireAt <= now else { continue }
            let config = entries[index].config
            let missedBefore = state.missedCount
            let action = state.due(at: now, running: busy(config.name))
            entries[index].state = state

            switch action {
            case .fire(let slot):
                let interval = state.nextDue.map { $0.timeIntervalSince(slot) } ?? entries[index].spec.nominalInterval
                if state.missedCount > missedBefore {
                    logger.warning(
                        "schedule entry missed slots while no scheduler ran; running it once now",
                        ["entry": config.name, "missed": state.missedCount - missedBefore])
                }
                save(index) { try fire(Firing(entry: config, slot: slot, interval: interval)) }
            case .skipOverlap:
                logger.debug(
                    "schedule entry skipped: its previous call is still queued or running", ["entry": config.name])
                save(index) {}
            case .wait:
                if state.missedCount > missedBefore {
                    logger.warning(
                        "schedule entry missed slots while no scheduler ran; waiting for its next slot",
                        ["entry": config.name, "missed": state.missedCount - missedBefore])
                    save(index) {}
                }
            }
        }
    }

    /// Records how the call fired for `slot` ended.
    func finished(entry name: String, slot: Date, outcome: ScheduleEntryState.Outcome) {
        guard let index = entries.firstIndex(where: { $0.config.name == name }), var state = entries[index].state,
            state.record(outcome, forSlot: slot)
        else { return }
        entries[index].state = state
        save(index) {}
    }

    /// When the next entry is due; nil when inactive or nothing is scheduled.
    var nextFireAt: Date? { entries.compactMap { $0.state?.nextFireAt }.min() }

    /// Runs `body` and saves entry `index`'s record, in one store transaction (live mode).
    private func save(_ index: Int, _ body: () throws -> Void) {
        guard isLive, let store, let state = entries[index].state else {
            do { try body() } catch { logger.error("could not fire a schedule entry", ["error": error]) }
            return
        }
        let record = ScheduleRecord(
            entry: entries[index].config.name, spec: entries[index].spec, persisted: state.persisted, owner: owner)
        do {
            if let saver {
                try saver(record, body)
            } else {
                try store.batch {
                    try body()
                    try store.saveScheduleRecord(record)
                }
            }
        } catch {
            logger.error(
                "could not store the schedule entry's state; the host keeps running",
                ["entry": record.entry, "error": error])
        }
    }

    /// The entries as `ctl schedule` shows them. A standby shows what the store says the leader did.
    func rows(now: Date) -> [[String: Any]] {
        var states = entries.map(\.state)
        if !isActive, let store, let records = try? store.scheduleRecords() {
            let byName = Dictionary(records.map { ($0.entry, $0) }, uniquingKeysWith: { a, _ in a })
            states = entries.map { entry in
                guard entry.config.enabled, let record = byName[entry.config.name] else { return nil }
                return ScheduleEntryState(
                    spec: entry.spec, missedRunPolicy: entry.policy, grace: grace, restoring: record.persisted, now: now
                )
            }
        }
        return zip(entries, states).map { entry, state in
            let zone = TimeZone(identifier: entry.config.timeZone) ?? TimeZone(identifier: "UTC")!
            var row: [String: Any] = [
                "entry": entry.config.name, "method": entry.config.method, "spec": entry.spec.description,
                "priority": entry.config.priority, "enabled": entry.config.enabled,
                "missed_run_policy": entry.policy.rawValue, "zone": zone.identifier,
            ]
            guard let state else { return row }
            row["fired"] = state.firedCount
            row["skipped_overlap"] = state.skippedOverlapCount
            row["missed"] = state.missedCount
            if let outcome = state.lastOutcome { row["last_outcome"] = outcome.rawValue }
            if let last = state.lastFiredAt {
                row["last_run_utc"] = Self.text(last, TimeZone(identifier: "UTC")!)
                row["last_run_local"] = Self.text(last, zone)
            }
            if let next = state.nextFireAt {
                row["next_run_utc"] = Self.text(next, TimeZone(identifier: "UTC")!)
                row["next_run_local"] = Self.text(next, zone)
            }
            return row
        }
    }

    /// `2026-03-08T03:00:00-05:00` (or `Z` in UTC).
    static func text(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        return formatter.string(from: date)
    }
}

extension ScheduleSpec {
    /// The usual gap between slots: the interval, or for cron the gap after the next slot from now.
    var nominalInterval: TimeInterval {
        switch timing {
        case .every(let seconds): return seconds
        case .cron:
            guard let first = nextSlot(after: Date()), let second = nextSlot(after: first) else { return 86400 }
            return second.timeIntervalSince(first)
        }
    }
}
