import Dispatch
import RoadSenseStore

extension Host {
    /// Runs `body` as one pass: its store writes are collected, then written in one transaction (or, while the
    /// store is unreachable, spooled durably — see docs/outage.md). What it publishes, and the calls it
    /// finishes, are announced only after that: a subscriber or submitter never hears of a result the store
    /// (or the spool) does not hold. One commit per pass (a poll's replies, a dispatch round) instead of one
    /// per call is what makes the durable queue fast; the order "stored, then published" is unchanged.
    ///
    /// A pass is all or nothing. When its writes fail (logged and counted where they fail) or the spool refuses
    /// them, the transaction is rolled back: nothing the pass published goes out, no call it finished is
    /// announced, and those calls are not done — a call is done only when its result is stored. A call that
    /// succeeded is retried as a failed attempt (UNAVAILABLE: retried with backoff while its attempts last,
    /// then dead-lettered; held without using an attempt while the store is unreachable); one that failed for
    /// good or expired keeps its final row, which later passes store again (`storeUnstoredFinals`).
    func committing(_ what: String, _ body: () -> Void) {
        // Inside an outer pass, its transaction and its announcements after the commit are the ones that count.
        guard !holdingFinishes else { return body() }
        broadcaster?.hold()
        holdingFinishes = true
        passStoreError = nil
        batchWhat = what
        body()
        holdingFinishes = false
        flushBatchWrites()
        let settled = settling
        settling.removeAll(keepingCapacity: true)
        guard let failure = passStoreError else {
            broadcaster?.release()
            for call in settled { announce(call) }
            return
        }
        passStoreError = nil
        broadcaster?.discardHeld()
        logger.error(
            "could not store \(what): the store refused the transaction, so nothing of it is kept or announced; "
                + "its finished calls are not done and go back to the queue. Check the store (disk space, "
                + "permissions, another process holding a lock)",
            ["error": failure, "calls.settled": settled.count])
        unstored(settled, failure)
    }

    /// The calls a failed pass had finished: a success is run again (per the retry policy), a final failure or
    /// expiry waits to be stored by a later pass. Themselves one pass, so a store that is still failing leaves
    /// them in the same place.
    private func unstored(_ settled: [SettledCall], _ failure: Error) {
        guard !settled.isEmpty else { return }
        committing("calls whose results were not stored") {
            for call in settled {
                switch call.state {
                case .succeeded:
                    attemptFailed(
                        call.pending, status: .unavailable, message: "its result could not be stored: \(failure)")
                default:
                    unstoredFinals.append(call)
                }
            }
        }
    }

    /// Stores again the final rows (dead letters, expiries) a failed pass rolled back; the calls are announced
    /// once they are stored. Tried at most every `unstoredRetryMs`, so a broken store is not hammered.
    func storeUnstoredFinals() {
        guard !unstoredFinals.isEmpty else { return }
        let now = wallNowMs()
        guard now - lastUnstoredRetryWallMs >= Self.unstoredRetryMs else { return }
        lastUnstoredRetryWallMs = now
        let finals = unstoredFinals
        unstoredFinals.removeAll()
        committing("final states of calls") {
            for call in finals {
                if let row = call.row {
                    persist(
                        call.state == .failed ? "dead letter" : "calls",
                        call.state == .failed ? .deadLetter(row, nowMs: now) : .call(row))
                }
                finished(call.pending, call.state, row: call.row)
            }
        }
    }

    static let unstoredRetryMs: Int64 = 1000

    /// Marks that a call reached a final state (succeeded, failed for good, expired; `row` is what was written
    /// for it). Inside a pass the submitter is told after the commit; outside one, at once.
    func finished(_ pending: PendingCall, _ state: CallRecord.State, row: CallRecord? = nil) {
        let call = SettledCall(pending: pending, state: state, row: row)
        if holdingFinishes {
            settling.append(call)
        } else {
            announce(call)
        }
    }

    /// Tells the schedule and the in-process submitter (if any) that a call finished.
    private func announce(_ call: SettledCall) {
        scheduledCallFinished(call.pending.call.callID, call.state)
        if call.state == .succeeded, call.pending.dispatchedNs > 0, let onRoundTrip {
            onRoundTrip(DispatchTime.now().uptimeNanoseconds - call.pending.dispatchedNs)
        }
        onCallFinished?(call.pending.call.callID, call.state)
    }
}
