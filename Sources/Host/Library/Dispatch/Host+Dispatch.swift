import Foundation
import RaceDomain
import RoadSenseStore
import RoadSenseProtocol

extension Host {
    /// Feeds every event up to race time `now` into the tracker; laps and weather are stored and
    /// published as they happen.
    func releaseFeed(upTo now: Int64) {
        guard var feed else { return }
        let events = feed.advance(to: now)
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
        persist("laps") { try store.upsertLaps(laps) }
        persist("weather") { try store.upsertWeather(weather) }
        for lap in laps {
            broadcaster.publish(
                topic: Broadcaster.topic("lap", vehicleID: lap.vehicleID, carNumber: lap.carNumber), body: .lap(lap),
                atMs: now)
        }
        for sample in weather { broadcaster.publish(topic: "weather", body: .weather(sample), atMs: now) }
    }

    /// Enqueues a call for every entry due at `now` (all of them when `force`, for the final round).
    func fireSchedule(at now: Int64, force: Bool) {
        let busy = queue.entries.union(inFlight.values.map(\.entry))
        let due = force ? config.schedule.filter(\.enabled) : schedule.due(at: now, running: busy)
        for entry in due {
            guard let payload = requestPayload(for: entry.method, nowMs: now) else {
                logger.warning(
                    "schedule entry names a method this host cannot build a request for; skipped",
                    ["entry": entry.name, "call.method": entry.method])
                continue
            }
            enqueue(entry: entry, payload: payload)
        }
    }

    func requestPayload(for method: String, nowMs: Int64) -> [UInt8]? {
        switch method {
        case "telemetry.ProcessLive": tracker.takeTelemetryBatch(nowMs: nowMs).encoded()
        case "strategy.UpdatePredictions": tracker.strategyRequest(nowMs: nowMs).encoded()
        case "alerts.CheckConditions": tracker.alertRequest(nowMs: nowMs).encoded()
        default: nil
        }
    }

    func enqueue(entry: ScheduleEntryConfig, payload: [UInt8]) {
        let now = wallNowMs()
        let speed = replay?.speed ?? 1
        // One attempt may run for the entry's interval (in wall time), but never less than 5 s.
        let timeout = max(Int64(entry.everySeconds * 1000 / speed), 5000)
        let call = Call(
            callID: UUID().uuidString.lowercased(), method: entry.method, deadlineMs: now + timeout, attempt: 1,
            metadata: [("entry", entry.name), ("host", hostID)], payload: payload,
            priority: Priority.named(entry.priority) ?? .medium)
        let pending = PendingCall(
            call: call, entry: entry.name, maxAttempts: max(entry.maxAttempts, 1), enqueuedWallMs: now,
            attemptTimeoutMs: timeout)
        queue.push(pending)
        record(pending, state: .queued)
    }

    /// Sends queued calls to workers with free credits, highest priority first.
    func dispatch() {
        let now = wallNowMs()
        while var pending = queue.pop(nowMs: now, canRun: { workers.available(for: $0.call.method) != nil }) {
            let identity = workers.available(for: pending.call.method)!
            pending.call.deadlineMs = now + pending.attemptTimeoutMs
            do {
                guard try router.send([identity] + PeerFrames.encode(.call(pending.call)), dontWait: true) else {
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
            pending.dispatchedWallMs = now
            workers[identity]?.inFlight.insert(pending.call.callID)
            inFlight[pending.call.callID] = pending
            statistics.callsDispatched += 1
            record(pending, state: .running)
            logger.debug(
                "call dispatched",
                ["call.id": pending.call.callID, "call.method": pending.call.method, "attempt": pending.call.attempt,
                 "worker": workers[identity]?.label ?? "?"])
        }
    }

    /// Decides what happens to a call whose attempt failed: retry with backoff (full jitter) when the
    /// code is retryable and attempts remain, else it has failed for good.
    func attemptFailed(_ pending: PendingCall, status: StatusCode, message: String) {
        var pending = pending
        pending.errors.append("attempt \(pending.call.attempt): \(status.name): \(message)")
        pending.worker = nil
        if status.isRetryable && Int(pending.call.attempt) < pending.maxAttempts {
            let cap = min(200 * (Int64(1) << min(Int64(pending.call.attempt), 5)), 5000)
            pending.notBeforeWallMs = wallNowMs() + Int64.random(in: 0...cap)
            pending.call.attempt += 1
            statistics.retries += 1
            logger.warning(
                "call failed; retrying",
                ["call.id": pending.call.callID, "call.method": pending.call.method, "status": status.name,
                 "attempt": pending.call.attempt, "reason": message])
            queue.push(pending)
            record(pending, state: .queued, status: status.name, message: message)
        } else {
            statistics.callsFailed += 1
            logger.error(
                "call failed for good",
                ["call.id": pending.call.callID, "call.method": pending.call.method, "status": status.name,
                 "attempts": pending.call.attempt, "reason": message])
            record(pending, state: .failed, status: status.name, message: pending.errors.joined(separator: " | "))
        }
    }

    func record(_ pending: PendingCall, state: CallRecord.State, status: String? = nil, message: String? = nil) {
        let finished = (state == .succeeded || state == .failed) ? wallNowMs() : nil
        let record = CallRecord(
            callID: pending.call.callID, method: pending.call.method, priority: Int(pending.call.priority.rawValue),
            attempt: Int(pending.call.attempt), state: state, enqueuedMs: pending.enqueuedWallMs, finishedMs: finished,
            status: status, message: message, worker: pending.worker.flatMap { workers[$0]?.label })
        persist("calls") { try store.recordCall(record) }
    }

    /// Runs a store write; a failure is logged and counted, never fatal to the host.
    func persist(_ what: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            statistics.storeErrors += 1
            logger.error("could not store \(what); the host keeps running", ["error": error])
        }
    }
}
