import Dispatch
import RoadSenseStore

extension Host {
    /// Runs `body` with its store writes collected, then writes them in one transaction (or, while the store
    /// is unreachable, spools them durably). What it publishes, and the calls it finishes, are announced
    /// only after that: a subscriber or submitter never hears of a result the store (or the spool) does not
    /// hold. One commit per pass (a poll's replies, a dispatch round) instead of one per call is what makes the
    /// durable queue fast; the order "stored, then published" is unchanged.
    func committing(_ what: String, _ body: () -> Void) {
        // Inside an outer pass, its transaction and its announcements after the commit are the ones that count.
        guard !holdingFinishes else { return body() }
        broadcaster?.hold()
        holdingFinishes = true
        batchWhat = what
        body()
        holdingFinishes = false
        flushBatchWrites()
        broadcaster?.release()
        let finishes = heldFinishes
        heldFinishes.removeAll(keepingCapacity: true)
        for (callID, state, dispatchedNs) in finishes { announce(callID, state, dispatchedNs: dispatchedNs) }
    }

    /// Tells the in-process submitter (if any) that a call finished — at once, or after the open commit.
    func finished(_ pending: PendingCall, _ state: CallRecord.State) {
        guard onCallFinished != nil || onRoundTrip != nil else { return }
        if holdingFinishes {
            heldFinishes.append((pending.call.callID, state, pending.dispatchedNs))
        } else {
            announce(pending.call.callID, state, dispatchedNs: pending.dispatchedNs)
        }
    }

    private func announce(_ callID: String, _ state: CallRecord.State, dispatchedNs: UInt64) {
        if state == .succeeded, dispatchedNs > 0, let onRoundTrip {
            onRoundTrip(DispatchTime.now().uptimeNanoseconds - dispatchedNs)
        }
        onCallFinished?(callID, state)
    }
}
