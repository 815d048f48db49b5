import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// The host's side of a store outage (docs/outage.md): every write goes through `persist`, which writes it at
/// once while the store is reachable and appends it to the on-disk spool while it is not (or while the spool
/// still holds older writes, so the store sees every write in the order the host made it). While the store is
/// unreachable or the spool drains, dispatch waits, a call whose plugin answered UNAVAILABLE because of the
/// store is held (not counted as an attempt, never dead-lettered), and the store is probed with capped
/// exponential backoff and jitter. The outage's start and end are logged and raised as alerts
/// (`store_unreachable/START` CRITICAL, then `store_reachable/START` INFO), and `ctl status` shows them.
extension Host {
    /// Writes go straight to the store: it is reachable and nothing spooled waits ahead of them.
    var storeWritable: Bool { !storeHealth.isDown && spool.isEmpty }
    /// Dispatch, claiming and the leadership wait: the store is unreachable or the spool is still draining.
    var storePaused: Bool { storeHealth.isDown || !spool.isEmpty }

    /// Opens the spool and writes what a previous run left in it, before anything reads the store.
    func prepareSpool() throws {
        spool = try WriteSpool(directory: config.effectiveSpoolDirectory, maxBytes: config.spoolMaxBytes)
        for note in spool.openNotes { logger.warning(note) }
        guard !spool.isEmpty else { return }
        logger.warning(
            "the store spool holds writes a previous run could not store; writing them first",
            ["spool": spool.directory, "records": spool.pendingRecords, "bytes": spool.pendingBytes])
        while !spool.isEmpty && !storeHealth.isDown && drainSpool(budgetMs: 1000) {}
    }

    /// One store write, made now or — inside a `committing` pass — with the pass's other writes.
    func persist(_ what: String, _ write: StoreWrite) {
        guard !write.isEmpty else { return }
        if holdingFinishes {
            batchWrites.append(write)
            batchWhat = batchWhat ?? what
            return
        }
        writeNow([write], what)
    }

    /// Writes a pass's writes in one transaction, or spools them. A failure other than the store being
    /// unreachable, or a spool that refuses them, is logged and counted (never fatal to the host) and returned:
    /// the writes are not kept.
    @discardableResult
    func writeNow(_ writes: [StoreWrite], _ what: String) -> Error? {
        guard !writes.isEmpty else { return nil }
        if storeWritable {
            do {
                try store.batch { for write in writes { try write.apply(to: store) } }
                return nil
            } catch let error as StoreError where error.code == .unavailable {
                storeUnreachable(error)
            } catch {
                statistics.storeErrors += 1
                logger.error("could not store \(what); the host keeps running", ["error": error])
                return error
            }
        }
        return spoolWrites(writes, what)
    }

    /// Writes the open pass's collected writes now (before a read that must see them, and at its end). A
    /// failure fails the pass (`committing` rolls back what it announces).
    func flushBatchWrites() {
        guard !batchWrites.isEmpty else { return }
        let writes = batchWrites
        batchWrites.removeAll(keepingCapacity: true)
        if let error = writeNow(writes, batchWhat ?? "writes"), passStoreError == nil { passStoreError = error }
        batchWhat = nil
    }

    /// Appends writes to the spool and makes them durable; a full spool refuses them (counted and logged), and
    /// the error says so.
    private func spoolWrites(_ writes: [StoreWrite], _ what: String) -> Error? {
        var failure: Error?
        for write in writes {
            do {
                if try !spool.append(write.encoded()) {
                    statistics.storeErrors += 1
                    failure =
                        failure
                        ?? StoreError(
                            code: .unavailable, reason: "the store spool is full (\(spool.maxBytes) bytes)",
                            location: spool.directory)
                    if !spoolFullReported {
                        spoolFullReported = true
                        logger.error(
                            "store spool full: new writes are refused until the store is back (the oldest are "
                                + "kept; calls whose results are refused stay queued); raise spoolMaxBytes or "
                                + "bring the database back",
                            ["spool": spool.directory, "max_bytes": spool.maxBytes, "what": what])
                    }
                }
            } catch {
                statistics.storeErrors += 1
                failure = failure ?? error
                logger.error(
                    "could not spool \(what) while the store is unreachable",
                    ["spool": spool.directory, "error": error])
            }
        }
        do {
            try spool.sync()
        } catch {
            statistics.storeErrors += 1
            logger.error("could not fsync the store spool", ["spool": spool.directory, "error": error])
            return error
        }
        return failure
    }

    /// Notes a failed store call: an unreachable store begins an outage (once). Returns true for that case.
    @discardableResult
    func noteStoreFailure(_ error: Error) -> Bool {
        guard let error = error as? StoreError, error.code == .unavailable else { return false }
        storeUnreachable(error)
        return true
    }

    private func storeUnreachable(_ error: StoreError) {
        let now = wallNowMs()
        guard storeHealth.failed(error.reason, nowMs: now, jitter: Double.random(in: 0..<1)) else { return }
        spoolFullReported = false
        outageSpooledAtStart = spool.counters.appended
        outageRefusedAtStart = spool.counters.dropped
        // A queued call must stay whole in memory: its row may exist only in the spool.
        queue.spillPaused = true
        logger.error(
            "store unreachable: the host keeps running; calls that need the store wait, its writes are spooled to "
                + "disk and stored once the database is back. Check the database server.",
            ["store": storeLocation.description, "error": error.reason, "spool": spool.directory])
        let alert = Alert(
            alertID: "store_unreachable/\(now)", vehicleID: "", carNumber: nil, rule: "store_unreachable",
            severity: .critical,
            message:
                "the store \(storeLocation) is unreachable (\(error.reason)); the host keeps running: calls that need "
                + "it wait, writes are spooled to \(spool.directory) (at most \(spool.maxBytes) bytes) and stored "
                + "when it is back. Check the database server.",
            raisedMs: now, lap: 0, value: nil, threshold: nil, channel: "store")
        outageAlertID = alert.alertID
        persist("store alert", .alerts([alert]))
        alertSeverities[alert.alertID] = alert.severity
        broadcaster?.publish(topic: "alert.\(alert.severity.name)", body: .alert(alert), atMs: raceNowMs())
    }

    /// Once per loop pass: probes an unreachable store when due (capped exponential backoff with jitter) and
    /// writes spooled writes while it is reachable; the outage ends when the spool is empty.
    func tendStore() {
        let now = wallNowMs()
        if storeHealth.isDown {
            guard storeHealth.probeDue(nowMs: now) else { return }
            do {
                _ = try store.appliedMigrations()
            } catch {
                storeHealth.probeFailed(String(describing: error), nowMs: now, jitter: Double.random(in: 0..<1))
                logger.debug(
                    "store still unreachable", ["error": error, "next_probe_in_ms": storeHealth.nextProbeMs - now])
                return
            }
            let seconds = Double(storeHealth.recovered(nowMs: now) ?? 0) / 1000
            logger.warning(
                "store reachable again; writing the spooled writes before dispatching",
                [
                    "store": storeLocation.description, "down_s": String(format: "%.1f", seconds),
                    "records": spool.pendingRecords, "bytes": spool.pendingBytes,
                ])
        }
        guard !spool.isEmpty else { return }
        _ = drainSpool(budgetMs: 50)
        if spool.isEmpty && !storeHealth.isDown { outageOver() }
    }

    /// Writes the oldest spooled writes for up to `budgetMs`, a transaction of up to 256 at a time; returns
    /// false when it could not go on (the store went away again, or the spool cannot be read).
    @discardableResult
    func drainSpool(budgetMs: Int64) -> Bool {
        let deadline = wallNowMs() + budgetMs
        while !spool.isEmpty && wallNowMs() < deadline {
            let bodies: [[UInt8]]
            do {
                bodies = try spool.peek(limit: 256)
            } catch {
                statistics.storeErrors += 1
                logger.error("cannot read the store spool; its writes wait", ["error": error])
                return false
            }
            var writes: [StoreWrite] = []
            for body in bodies {
                do {
                    writes.append(try StoreWrite(spooled: body))
                } catch {
                    statistics.spoolRejected += 1
                    logger.error("a spooled write does not decode; skipped", ["error": error])
                }
            }
            do {
                try store.batch { for write in writes { try write.apply(to: store) } }
            } catch {
                if noteStoreFailure(error) { return false }
                // One write the store refuses must not hold back the others: write them one by one.
                for write in writes {
                    do {
                        try store.batch { try write.apply(to: store) }
                    } catch {
                        if noteStoreFailure(error) { return false }
                        statistics.spoolRejected += 1
                        logger.error("the store refused a spooled write; skipped", ["error": error])
                    }
                }
            }
            do {
                try spool.consume(bodies.count)
            } catch {
                logger.error("cannot mark spooled writes as stored", ["error": error])
                return false
            }
        }
        return true
    }

    /// The spool is empty and the store reachable: the outage is over.
    private func outageOver() {
        guard let alertID = outageAlertID else { return }
        outageAlertID = nil
        let now = wallNowMs()
        let seconds = Double(storeHealth.lastOutageMs) / 1000
        let spooled = spool.counters.appended - outageSpooledAtStart
        let refused = spool.counters.dropped - outageRefusedAtStart
        logger.warning(
            "store outage over: every spooled write is stored; dispatch resumes",
            ["down_s": String(format: "%.1f", seconds), "spooled": spooled, "refused": refused])
        let alert = Alert(
            alertID: "store_reachable/\(alertID.split(separator: "/").last ?? "")", vehicleID: "", carNumber: nil,
            rule: "store_reachable", severity: refused > 0 ? .critical : .info,
            message: "the store \(storeLocation) is reachable again after \(String(format: "%.1f", seconds)) s; "
                + "\(spooled) spooled writes stored"
                + (refused > 0 ? ", \(refused) refused because the spool was full (lost)" : ", nothing lost"),
            raisedMs: now, lap: 0, value: seconds, threshold: nil, channel: "store")
        persist("store alert", .alerts([alert]))
        persist("store alert", .resolveAlert(id: alertID, nowMs: now))
        alertSeverities[alert.alertID] = alert.severity
        broadcaster?.publish(topic: "alert.\(alert.severity.name)", body: .alert(alert), atMs: raceNowMs())
        queue.spillPaused = false
    }

    /// Whether the store is unreachable now: known, or found by a probe (a plugin said UNAVAILABLE).
    func storeUnreachableNow() -> Bool {
        if storeHealth.isDown { return true }
        do {
            _ = try store.appliedMigrations()
            return false
        } catch {
            return noteStoreFailure(error)
        }
    }

    /// A call whose plugin could not reach the store goes back to the queue as it was: the outage does not
    /// use up its attempts, and dispatch waits until the store is back.
    func holdForStore(_ pending: PendingCall, message: String) {
        var pending = pending
        pending.worker = nil
        pending.notBeforeWallMs = 0
        statistics.heldForStore += 1
        logger.info(
            "call held until the store is back; the outage does not count against its attempts",
            [
                "call.id": pending.call.callID, "call.method": pending.call.method, "attempt": pending.call.attempt,
                "reason": message,
            ])
        queue.push(pending)
        record(pending, state: .queued, status: StatusCode.unavailable.name, message: "held for the store: \(message)")
    }

    /// What `ctl status` shows of the store and its spool.
    func storeStatus() -> [String: Any] {
        let now = wallNowMs()
        var row: [String: Any] = [
            "location": storeLocation.description,
            "state": storeHealth.isDown ? "unreachable" : spool.isEmpty ? "reachable" : "draining",
            "outages": storeHealth.outages, "last_outage_s": Double(storeHealth.lastOutageMs) / 1000,
            "held_calls": statistics.heldForStore,
            "spool": [
                "directory": spool.directory, "records": spool.pendingRecords, "bytes": spool.pendingBytes,
                "max_bytes": spool.maxBytes, "segments": spool.segmentCount, "spooled": spool.counters.appended,
                "drained": spool.counters.drained, "refused_records": spool.counters.dropped,
                "refused_bytes": spool.counters.droppedBytes, "torn_records": spool.counters.tornRecords,
                "rejected": statistics.spoolRejected,
            ] as [String: Any],
        ]
        if let since = storeHealth.downSinceMs {
            row["down_since"] = Self.iso(since)
            row["down_s"] = Double(now - since) / 1000
            row["last_error"] = storeHealth.lastError
            row["next_probe_in_ms"] = max(0, storeHealth.nextProbeMs - now)
        }
        return row
    }
}
