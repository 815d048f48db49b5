import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// The host's side of the beat schedule: who runs it, what each entry's call carries, and its outcomes.
///
/// Live mode: the host that holds the store's scheduler leadership runs the schedule, claims submitted calls and
/// finishes the calls a previous leader left; any other host on the store is a standby that runs its plugins
/// and polls the leadership twice a second, taking over when the leader dies (the kernel or the database drops
/// its lock). The leader confirms its lock before every firing and at every poll; one that lost it (its
/// PostgreSQL session ended) steps down and polls like a standby.
/// Replay mode: the schedule runs on the replay clock, in memory. The durable queue is still the store's: a replay
/// that can take the store's scheduler lock (no live leader, no other replay on the store) holds it for its run,
/// finishes the calls a killed host left and claims submitted calls, as a leader does; a live host started
/// meanwhile stands by until the replay ends. A replay that cannot take it runs its own race's calls only.
extension Host {
    /// How often a standby tries to take the leadership (wall milliseconds).
    static let leadershipPollMs: Int64 = 500

    /// Builds the scheduler; takes the leadership if it is free (for a replay, the store's lock only) and, if so,
    /// recovers unfinished calls.
    func prepareScheduler() throws {
        let live = replay == nil
        let speed = replay?.speed ?? 1
        scheduler = try BeatScheduler(
            config: config.schedule, store: live ? store : nil, leadership: live ? store.schedulerLeadership() : nil,
            owner: hostID, grace: 5 * speed, logger: logger.child("scheduler"))
        // A firing's call and the entry's record are written together, through the host's write path (which
        // spools them while the store is unreachable).
        scheduler.saver = { [unowned self] record, body in
            var failure: Error?
            committing("schedule entry") {
                do {
                    try body()
                    persist("schedule entry", .scheduleRecord(record))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
        guard live else {
            try prepareReplayQueue()
            return
        }
        if scheduler.activate(now: Date()) {
            try recoverUnfinished()
        } else {
            logger.info(
                "standby: another host runs the schedule on this store; this one takes over if that one stops",
                ["lock": scheduler.leadership?.resource ?? ""])
        }
    }

    /// A replay takes the store's scheduler lock if it is free, for the whole run, and then finishes what a killed
    /// host left (the lock is what tells that no other host is working on those calls).
    private func prepareReplayQueue() throws {
        let lock = store.schedulerLeadership()
        guard try lock.tryAcquire() else {
            logger.info(
                "another host holds this store's scheduler lock: this replay runs its own calls only and leaves "
                    + "submitted and unfinished calls to that host", ["lock": lock.resource])
            return
        }
        replayStoreLock = lock
        try recoverUnfinished()
    }

    /// Whether this host claims the calls submitted to the store: the leader, or a replay holding the store's lock.
    var claimsStoreCalls: Bool { scheduler.isActive && (replay == nil || replayStoreLock?.isHeld == true) }

    /// Every `leadershipPollMs`: the leader confirms it still holds the lock (stepping down if not); a standby
    /// tries to take it, and on taking it takes over the calls the previous leader left queued or running.
    func pollLeadership() {
        guard scheduler.isLive, !storePaused else { return }
        let now = wallNowMs()
        guard now - lastLeadershipPollWallMs >= Self.leadershipPollMs else { return }
        lastLeadershipPollWallMs = now
        if scheduler.isActive {
            scheduler.confirmLeadership()
            return
        }
        guard scheduler.activate(now: Self.date(raceNowMs())) else { return }
        do {
            try recoverUnfinished()
        } catch {
            statistics.storeErrors += 1
            logger.error("could not take over the previous leader's calls; will not retry", ["error": error])
        }
    }

    /// Enqueues a call for every entry due at race/wall time `now` (every enabled entry when `force`: the final
    /// round of a replay).
    func fireSchedule(at now: Int64, force: Bool) {
        guard scheduler.isActive else { return }
        if force {
            for entry in scheduler.entries where entry.config.enabled {
                submitScheduled(
                    BeatScheduler.Firing(
                        entry: entry.config, slot: Self.date(now), interval: entry.spec.nominalInterval),
                    nowMs: now)
            }
            return
        }
        guard let next = scheduler.nextFireAt, Self.ms(next) <= now else { return }
        // While the store is unreachable a queued call only waits for it, so it does not make its entry busy: live
        // telemetry keeps being cut into calls (each spooled with its samples, run in order once the store is
        // back), and the stale calls of other entries expire as usual.
        let running = Set(inFlight.values.map(\.entry))
        let busy = storePaused ? running : queue.entries.union(running)
        scheduler.tick(
            now: Self.date(now), busy: { busy.contains($0) }, fire: { firing in submitScheduled(firing, nowMs: now) })
    }

    /// Builds the entry's request and enqueues its call (durable first).
    func submitScheduled(_ firing: BeatScheduler.Firing, nowMs now: Int64) {
        guard let payload = requestPayload(for: firing.entry.method, nowMs: now, slot: firing.slot) else {
            logger.warning(
                "schedule entry names a method this host cannot build a request for; skipped",
                ["entry": firing.entry.name, "call.method": firing.entry.method])
            return
        }
        let callID = enqueue(entry: firing.entry, payload: payload, interval: firing.interval)
        scheduledSlots[callID] = (firing.entry.name, firing.slot)
    }

    /// The request each scheduled method takes, built from the race so far.
    func requestPayload(for method: String, nowMs: Int64, slot: Date) -> [UInt8]? {
        switch method {
        case "telemetry.ProcessLive": tracker.takeTelemetryBatch(nowMs: nowMs).encoded()
        case "strategy.UpdatePredictions": tracker.strategyRequest(nowMs: nowMs).encoded()
        case "alerts.CheckConditions": tracker.alertRequest(nowMs: nowMs).encoded()
        case "analytics.GeneratePerformance", "analytics.UpdateCompetitors":
            AnalyticsRequest(laps: jobLaps(nowMs: nowMs), nowMs: nowMs).encoded()
        case "weather.Update": WeatherRequest(nowMs: nowMs).encoded()
        case "ingest.IngestExternal": IngestRequest(nowMs: nowMs).encoded()
        case "simulation.RunBatch":
            // Seeded by the slot: a retry, or another host firing the same slot, simulates the same races.
            SimulationRequest(
                laps: jobLaps(nowMs: nowMs), raceLaps: tracker.raceLaps > 0 ? tracker.raceLaps : nil, iterations: nil,
                seed: UInt64(bitPattern: Self.ms(slot)), nowMs: nowMs
            ).encoded()
        case "maintenance.CleanupTelemetry", "maintenance.CleanupAlerts", "alerts.AcknowledgeStale":
            MaintenanceRequest(nowMs: nowMs).encoded()
        case "bench.Noop": BenchRequest().encoded()
        default: nil
        }
    }

    /// How far back a live host's analytics and simulations read laps from the store.
    static let liveLapWindowMs: Int64 = 12 * 3_600_000

    /// The laps the analytics and simulation jobs work on: the replay's so far, or in live mode the store's laps
    /// of the last `liveLapWindowMs` (written by earlier runs or other tools; there is no live timing feed yet).
    func jobLaps(nowMs: Int64) -> [LapRecord] {
        guard replay == nil else { return tracker.laps }
        do {
            return try store.laps(since: nowMs - Self.liveLapWindowMs)
        } catch {
            if !noteStoreFailure(error) {
                statistics.storeErrors += 1
                logger.error("could not read laps for the analytics jobs; they run on none this time", ["error": error])
            }
            return []
        }
    }

    /// Reports a finished call to the scheduler when a schedule entry fired it.
    func scheduledCallFinished(_ callID: String, _ state: CallRecord.State) {
        guard !scheduledSlots.isEmpty, let fired = scheduledSlots.removeValue(forKey: callID) else { return }
        let outcome: ScheduleEntryState.Outcome =
            switch state {
            case .succeeded: .succeeded
            case .expired: .expired
            default: .failed
            }
        scheduler.finished(entry: fired.entry, slot: fired.slot, outcome: outcome)
    }

    /// What `roadsense ctl schedule` shows.
    func scheduleStatus() -> [String: Any] {
        let now = raceNowMs()
        return [
            "host": hostID, "role": scheduler.role, "clock": replay == nil ? "wall" : "replay",
            "now_utc": BeatScheduler.text(Self.date(now), TimeZone(identifier: "UTC")!),
            "leadership": (scheduler.leadership ?? replayStoreLock)?.resource ?? "",
            "entries": scheduler.rows(now: Self.date(now)),
        ]
    }

    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(ms) / 1000) }
    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
