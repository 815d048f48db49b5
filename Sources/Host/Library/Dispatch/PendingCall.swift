import RoadSenseProtocol
import RoadSenseStore

/// A call the host owns until its result is stored: queued, in flight on a worker, or waiting to retry.
/// Its durable twin is the `calls` row (`record(…)`); a restarting host rebuilds it from that row.
struct PendingCall {
    var call: Call
    /// Schedule entry that produced it (`submit` for ad-hoc calls).
    let entry: String
    let maxAttempts: Int
    let enqueuedWallMs: Int64
    /// Not dispatched before this wall time (retry backoff).
    var notBeforeWallMs: Int64 = 0
    /// Not started after this wall time: dropped and recorded as expired.
    let expiresWallMs: Int64?
    /// Worker identity while in flight.
    var worker: [UInt8]?
    /// `plugin/pid` of the worker the latest attempt went to, kept after it settles (a lost worker leaves the
    /// worker table before its calls are failed, and the error names it).
    var workerLabel: String?
    var dispatchedWallMs: Int64 = 0
    /// Monotonic time of the current attempt's send, for the round-trip figure.
    var dispatchedNs: UInt64 = 0
    /// How long a single attempt may run before the soft limit (Cancel) is reached.
    let attemptTimeoutMs: Int64
    /// The soft limit passed and Cancel was sent; the hard limit is next.
    var cancelSent = false
    /// Errors of earlier attempts, oldest first.
    var errors: [String] = []
    /// Written to the `calls` table at every transition. Only in-process submitters (the dispatch
    /// benchmark's transient mode) may turn this off; everything scheduled or submitted is durable.
    var durable = true

    init(
        call: Call, entry: String, maxAttempts: Int, enqueuedWallMs: Int64, attemptTimeoutMs: Int64,
        expiresWallMs: Int64? = nil
    ) {
        self.call = call
        self.entry = entry
        self.maxAttempts = maxAttempts
        self.enqueuedWallMs = enqueuedWallMs
        self.attemptTimeoutMs = attemptTimeoutMs
        self.expiresWallMs = expiresWallMs
    }

    /// Rebuilds a call from its durable row. A call that was running when its host died is redelivered as
    /// its next attempt.
    init(record: CallRecord) {
        let wasRunning = record.state == .running
        call = Call(
            callID: record.callID, method: record.method, deadlineMs: 0,
            attempt: UInt32(max(record.attempt, 1) + (wasRunning ? 1 : 0)), metadata: [],
            payload: record.payload ?? [], priority: Priority(wireValue: record.priority))
        entry = record.entry
        maxAttempts = max(record.maxAttempts, 1)
        enqueuedWallMs = record.enqueuedMs
        notBeforeWallMs = record.notBeforeMs
        expiresWallMs = record.expiresMs
        attemptTimeoutMs = record.timeoutMs
        errors = record.errors
        if wasRunning { errors.append("attempt \(record.attempt): host stopped while the call was running") }
    }

    /// The durable row for this call in `state`; the payload is included only when asked (on insert).
    func record(
        state: CallRecord.State, owner: String?, worker: String?, status: String? = nil, message: String? = nil,
        finishedMs: Int64? = nil, withPayload: Bool = false, result: [UInt8]? = nil
    ) -> CallRecord {
        CallRecord(
            callID: call.callID, method: call.method, priority: call.priority.rawValue, attempt: Int(call.attempt),
            state: state, enqueuedMs: enqueuedWallMs, finishedMs: finishedMs, status: status, message: message,
            worker: worker, entry: entry, payload: withPayload ? call.payload : nil, result: result,
            maxAttempts: maxAttempts, timeoutMs: attemptTimeoutMs, expiresMs: expiresWallMs,
            notBeforeMs: notBeforeWallMs, errors: errors, owner: owner)
    }
}

extension CallRecord.State {
    /// Succeeded, failed for good, or expired: the call's submitter can be told.
    var isFinal: Bool {
        switch self {
        case .succeeded, .failed, .expired: true
        case .queued, .running: false
        }
    }
}
