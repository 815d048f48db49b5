import RoadSenseProtocol

/// A call the host owns until its result is stored: queued, in flight on a worker, or waiting to retry.
struct PendingCall {
    var call: Call
    /// Schedule entry that produced it.
    let entry: String
    let maxAttempts: Int
    let enqueuedWallMs: Int64
    /// Not dispatched before this wall time (retry backoff).
    var notBeforeWallMs: Int64 = 0
    /// Worker identity while in flight.
    var worker: [UInt8]?
    var dispatchedWallMs: Int64 = 0
    /// How long a single attempt may run before it is cancelled and retried.
    let attemptTimeoutMs: Int64
    /// Errors of earlier attempts, oldest first.
    var errors: [String] = []
}
