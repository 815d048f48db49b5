import RoadSenseStore

/// A call that reached a final state in the open pass (see `Host.committing`), with the row written for it
/// when that row must be written again should the pass fail (a dead letter, an expiry).
struct SettledCall {
    let pending: PendingCall
    let state: CallRecord.State
    let row: CallRecord?
}
