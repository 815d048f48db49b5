import CProcessShims
import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

extension Host {
    /// Feeds every event up to race time `now` into the tracker; laps and weather are stored and
    /// published as they happen.
    func releaseFeed(upTo now: Int64) throws {
        guard var feed else { return }
        let events: [FeedEvent]
        do {
            events = try feed.advance(to: now)
        } catch let error as TRDError {
            throw HostError(.badInput, "replay stopped: \(error.description)")
        }
        self.feed = feed
        var laps: [LapRecord] = []
        var weather: [WeatherSample] = []
        for event in events {
            switch event {
            case .sample(let sample): tracker.add(sample: sample)
            case .lap(let lap):
                tracker.add(lap: lap)
                laps.append(lap)
            case .lapEnd(let lapEnd): tracker.add(lapEnd: lapEnd)
            case .weather(let sample):
                tracker.add(weather: sample)
                weather.append(sample)
            }
        }
        persist("laps", .laps(laps))
        persist("weather", .weather(weather))
        for lap in laps {
            broadcaster.publish(
                topic: Broadcaster.topic("lap", vehicleID: lap.vehicleID, carNumber: lap.carNumber), body: .lap(lap),
                atMs: now)
        }
        for sample in weather { broadcaster.publish(topic: "weather", body: .weather(sample), atMs: now) }
    }

    /// Accepts a scheduled call: durable first (the `calls` row with its payload), then queued.
    @discardableResult
    func enqueue(entry: ScheduleEntryConfig, payload: [UInt8], interval seconds: TimeInterval) -> String {
        let now = wallNowMs()
        let speed = replay?.speed ?? 1
        // An attempt may run, and a queued call may wait, for the entry's interval (in wall time; a replay
        // compresses it by its speed) — but never less than `minimumLimitMs`, so plugins can start up.
        let interval = Int64(seconds * 1000 / speed)
        let timeout = max(entry.timeoutSeconds.map { Int64($0 * 1000 / speed) } ?? interval, Self.minimumLimitMs)
        let expiry = max(entry.expirySeconds.map { Int64($0 * 1000 / speed) } ?? interval, Self.minimumLimitMs)
        let call = Call(
            callID: CallIDSource.shared.make(), method: entry.method, deadlineMs: now + timeout, attempt: 1,
            metadata: [], payload: payload,
            priority: Priority.named(entry.priority) ?? .medium)
        let pending = PendingCall(
            call: call, entry: entry.name,
            maxAttempts: max(entry.maxAttempts ?? retryPolicy(for: entry.method).maxAttempts, 1), enqueuedWallMs: now,
            attemptTimeoutMs: timeout, expiresWallMs: entry.expires ? now + expiry : nil)
        record(pending, state: .queued, withPayload: true)
        queue.push(pending)
        return call.callID
    }

    static let minimumLimitMs: Int64 = 2000

    /// Drops queued calls whose expiry passed before they could start.
    func expireQueued() {
        let now = wallNowMs()
        guard now - lastExpiryCheckWallMs >= 250 else { return }
        lastExpiryCheckWallMs = now
        let expired = queue.removeExpired(nowMs: wallNowMs())
        guard !expired.isEmpty else { return }
        committing("expired calls") {
            for pending in expired {
                statistics.expired += 1
                logger.warning(
                    "call expired before it could start; dropped, not run late",
                    ["call.id": pending.call.callID, "call.method": pending.call.method, "entry": pending.entry])
                record(pending, state: .expired, message: "not started before its expiry")
            }
        }
    }

    /// Takes calls submitted from other threads of this process (`submit(…)`); durable ones are stored first.
    func drainInbox() {
        let taken = queueInbox()
        guard taken > 0 else { return }
        if taken >= 1024 && queue.spilledCount > 0 {
            // A burst was just stored and mostly spilled, and its in-process copies are gone: hand the memory
            // they used back to the system now, rather than keep it as free heap.
            _ = rs_release_free_memory()
        }
        onSubmittedQueued?(queue.count)
    }

    /// Stores and queues what the inbox holds; returns how many calls that was. (Its own function, so the
    /// batch is released before `drainInbox` trims the heap.)
    private func queueInbox() -> Int {
        let calls = inbox.takeAll()
        guard !calls.isEmpty else { return 0 }
        // One commit for the whole batch; each call is stored before it can be dispatched.
        committing("submitted calls") {
            for pending in calls { record(pending, state: .queued, withPayload: true) }
        }
        for pending in calls { queue.push(pending) }
        return calls.count
    }

    /// Picks up calls queued from outside this process (submitted, or retried from the dead letters).
    func claimSubmitted() {
        let now = wallNowMs()
        guard now - lastInboxCheckWallMs >= 500 else { return }
        lastInboxCheckWallMs = now
        let claimed: [CallRecord]
        do {
            // Claimed in a transaction of its own: a later failure must not undo the claim of calls now queued here.
            claimed = try store.claimUnownedCalls(owner: hostID)
        } catch {
            if noteStoreFailure(error) { return }
            statistics.storeErrors += 1
            logger.error("could not read submitted calls from the store; will try again", ["error": error])
            return
        }
        guard !claimed.isEmpty else { return }
        committing("claimed calls") {
            for record in claimed where accept(pendingCall(from: record)) {
                logger.info("call accepted from the store", ["call.id": record.callID, "call.method": record.method])
            }
        }
    }

    /// Queues a call taken from the store, unless no plugin of this host serves its method: such a call
    /// would wait forever, so it fails at once, for good (UNIMPLEMENTED, dead-lettered).
    func accept(_ pending: PendingCall) -> Bool {
        let method = pending.call.method
        // The plugins now (`ctl reload` may have added some), or at start before the supervisor exists.
        let plugins = supervisor.map { Array($0.plugins.values) } ?? config.plugins
        guard plugins.contains(where: { $0.methods.contains(method) }) || workers.serves(method) else {
            attemptFailed(pending, status: .unimplemented, message: "no plugin of this host serves \(method)")
            return false
        }
        queue.push(pending)
        return true
    }

    /// Puts back every call a previous host left queued or running (the running ones as their next attempt).
    /// A host taking the leadership back after losing it keeps its own calls, which it still holds.
    /// The latest call of each schedule entry is the one its last firing made: its outcome is the entry's.
    func recoverUnfinished() throws {
        let unfinished = try store.unfinishedCalls().filter { !hasRecovered || $0.owner != hostID }
        hasRecovered = true
        guard !unfinished.isEmpty else { return }
        adoptScheduledCalls(unfinished)
        committing("recovered calls") { recover(unfinished) }
        logger.warning("recovered calls left unfinished by a previous host", ["calls": unfinished.count])
    }

    private func recover(_ unfinished: [CallRecord]) {
        for record in unfinished {
            let pending = pendingCall(from: record)
            // A call that was running on its last attempt has used its budget: dead-letter it.
            if record.state == .running && record.attempt >= pending.maxAttempts {
                var last = pendingCall(from: record)
                last.call.attempt = UInt32(max(record.attempt, 1))
                last.errors.removeLast()
                attemptFailed(last, status: .unavailable, message: "host stopped while the last attempt was running")
                continue
            }
            if accept(pending) { self.record(pending, state: .queued) }
        }
    }

    /// Maps each schedule entry's last firing to the unfinished call it made (enqueued in the same transaction,
    /// so within a few seconds of the firing), so the outcome of a call fired by an earlier leader is recorded
    /// when this host finishes it.
    func adoptScheduledCalls(_ unfinished: [CallRecord]) {
        let known = Set(scheduledSlots.keys)
        for (entry, calls) in Dictionary(grouping: unfinished, by: \.entry) {
            guard let firing = scheduler.lastFiring(entry: entry),
                let latest = calls.max(by: { $0.enqueuedMs < $1.enqueuedMs }), !known.contains(latest.callID),
                abs(latest.enqueuedMs - Self.ms(firing.at)) <= Self.firingMatchMs
            else { continue }
            scheduledSlots[latest.callID] = (entry, firing.slot)
        }
    }

    /// How far apart a firing's instant and its call's enqueue time may be (both are taken in one loop pass).
    static let firingMatchMs: Int64 = 5000

    /// Sends queued calls to workers with free credits, highest priority first. The `running` marks of one
    /// pass commit together.
    func dispatch() {
        // While the store is unreachable (or the spool drains) calls wait: their plugins would fail on the store.
        guard !storePaused else { return }
        committing("dispatched calls") { dispatchPass() }
    }

    private func dispatchPass() {
        let now = wallNowMs()
        defer { reportVanished() }
        while true {
            let next: PendingCall?
            // The worker found for a method while choosing the call is the one it goes to (nothing changes the
            // table in between): one walk over the workers per call, not two.
            var chosen: (method: String, identity: [UInt8])?
            do {
                next = try queue.pop(nowMs: now) { method in
                    guard let identity = workers.available(for: method) else { return false }
                    chosen = (method, identity)
                    return true
                }
            } catch {
                if noteStoreFailure(error) { return }
                statistics.storeErrors += 1
                logger.error(
                    "could not read a queued call back from the store; it stays queued, dispatch tries again",
                    ["error": error])
                return
            }
            guard var pending = next,
                let identity = chosen?.method == pending.call.method
                    ? chosen?.identity : workers.available(for: pending.call.method)
            else { return }
            pending.call.deadlineMs = now + pending.attemptTimeoutMs
            pending.dispatchedNs = DispatchTime.now().uptimeNanoseconds
            do {
                // Metadata is added on the way out rather than kept on every queued call.
                var outgoing = pending.call
                outgoing.metadata = [("entry", pending.entry), ("host", hostID)]
                guard try router.send(PeerFrames.encode(.call(outgoing), to: identity), dontWait: true) else {
                    queue.push(pending)
                    return
                }
            } catch {
                // ROUTER_MANDATORY: the worker vanished between poll and send.
                logger.warning("worker unreachable; re-queuing its calls", ["worker": workers[identity]?.label ?? "?"])
                queue.push(pending)
                workerLost(identity, reason: "unreachable: \(error)")
                continue
            }
            pending.worker = identity
            pending.workerLabel = workers.dispatched(to: identity, callID: pending.call.callID)
            pending.dispatchedWallMs = now
            nextTimeLimitWallMs = min(nextTimeLimitWallMs, pending.call.deadlineMs)
            inFlight[pending.call.callID] = pending
            statistics.callsDispatched += 1
            record(pending, state: .running)
            logger.debug(
                "call dispatched",
                [
                    "call.id": pending.call.callID, "call.method": pending.call.method, "attempt": pending.call.attempt,
                    "worker": pending.workerLabel ?? "?",
                ])
        }
    }

    /// Logs queued calls whose store row disappeared before they could run (deleted by hand, or a store
    /// swapped under a running host): nothing is left to run for them.
    func reportVanished() {
        for callID in queue.takeVanished() {
            statistics.storeErrors += 1
            logger.error(
                "a queued call's row is missing from the store; it cannot run. Was the store changed by hand?",
                ["call.id": callID])
        }
    }

    /// Reads a spilled queued call back from the store for dispatch or expiry.
    func loadQueued(_ callID: String) throws -> PendingCall? {
        // The pass's own writes first: the row read back must be the latest.
        flushBatchWrites()
        guard let record = try store.call(id: callID) else { return nil }
        return pendingCall(from: record)
    }

    /// Decides what happens to a call whose attempt failed: retry with backoff (full jitter) when the
    /// code is retryable and attempts remain, else it has failed for good.
    func attemptFailed(_ pending: PendingCall, status: StatusCode, message: String) {
        var pending = pending
        // The worker that ran this attempt, for the record (it may already be gone from the table).
        let worker = pending.workerLabel
        let ranOn = worker.map { " on \($0)" } ?? ""
        pending.errors.append("attempt \(pending.call.attempt)\(ranOn): \(status.name): \(message)")
        pending.worker = nil
        pending.cancelSent = false  // the next attempt gets its own Cancel at its own deadline
        // A plugin that could not reach the store while the host cannot either: an outage, not the call's fault.
        if status == .unavailable && pending.durable && storeUnreachableNow() {
            pending.errors.removeLast()
            return holdForStore(pending, message: message)
        }
        if status.isRetryable && Int(pending.call.attempt) < pending.maxAttempts {
            let delay = retryPolicy(for: pending.call.method).delayMs(afterAttempt: pending.call.attempt)
            pending.notBeforeWallMs = wallNowMs() + delay
            pending.call.attempt += 1
            statistics.retries += 1
            logger.warning(
                "call attempt failed; retrying",
                [
                    "call.id": pending.call.callID, "call.method": pending.call.method, "status": status.name,
                    "attempt": pending.call.attempt, "retry_in_ms": delay, "reason": message,
                ])
            queue.push(pending)
            record(pending, state: .queued, status: status.name, message: message)
        } else {
            statistics.callsFailed += 1
            logger.error(
                "call failed for good; moved to the dead letters (roadsense ctl dead-letter show ID)",
                [
                    "call.id": pending.call.callID, "call.method": pending.call.method, "status": status.name,
                    "attempts": pending.call.attempt, "reason": message,
                ])
            let row =
                pending.durable
                ? pending.record(state: .failed, owner: hostID, worker: worker, status: status.name, message: message)
                : nil
            if let row { persist("dead letter", .deadLetter(row, nowMs: wallNowMs())) }
            finished(pending, .failed, row: row)
        }
    }

    func record(
        _ pending: PendingCall, state: CallRecord.State, status: String? = nil, message: String? = nil,
        withPayload: Bool = false, result: [UInt8]? = nil
    ) {
        let final = state.isFinal
        var row: CallRecord?
        if pending.durable {
            let written = pending.record(
                state: state, owner: hostID, worker: pending.worker != nil ? pending.workerLabel : nil, status: status,
                message: message, finishedMs: final ? wallNowMs() : nil, withPayload: withPayload, result: result)
            persist("calls", .call(written))
            row = written
        }
        // A success that is not stored is run again, not stored again: only other final rows are kept.
        if final { finished(pending, state, row: state == .succeeded ? nil : row) }
    }
}
