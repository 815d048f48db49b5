/// The durable record of one call: what was asked, of whom, and how it ended. The `calls` table is the
/// host's durable queue: a call is written here (with its payload) before anyone is told it was accepted,
/// and a host that restarts picks up every call still `queued` or `running`.
public struct CallRecord: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for a worker (or for its retry backoff).
        case queued
        /// Sent to a worker, no reply yet.
        case running
        case succeeded
        /// Ended without success for good: a non-retryable code, or the attempts ran out (also dead-lettered).
        case failed
        /// Not started before its expiry; dropped rather than run late.
        case expired
    }

    public var callID: String
    public var method: String
    /// 1 high, 2 medium, 3 low.
    public var priority: Int
    public var attempt: Int
    public var state: State
    public var enqueuedMs: Int64
    public var finishedMs: Int64?
    /// Status code name of the last reply, e.g. `OK`, `UNAVAILABLE`.
    public var status: String?
    public var message: String?
    /// `plugin/pid` of the worker that ran the last attempt.
    public var worker: String?
    /// Schedule entry that produced the call, or `submit` for ad-hoc calls.
    public var entry: String
    /// The request message (written once, when the call is accepted).
    public var payload: [UInt8]?
    /// The response message, kept for submitted calls so `submit --wait` can read it.
    public var result: [UInt8]?
    public var maxAttempts: Int
    /// How long one attempt may run (ms) before the soft limit (Cancel).
    public var timeoutMs: Int64
    /// Wall time after which a call not yet started is dropped; nil = never.
    public var expiresMs: Int64?
    /// Not dispatched before this wall time (retry backoff).
    public var notBeforeMs: Int64
    /// Every failed attempt's error, oldest first.
    public var errors: [String]
    /// The host that owns the call; nil for a call submitted or retried from outside, waiting to be claimed.
    public var owner: String?

    public init(
        callID: String, method: String, priority: Int, attempt: Int, state: State, enqueuedMs: Int64,
        finishedMs: Int64? = nil, status: String? = nil, message: String? = nil, worker: String? = nil,
        entry: String = "", payload: [UInt8]? = nil, result: [UInt8]? = nil, maxAttempts: Int = 3,
        timeoutMs: Int64 = 5000, expiresMs: Int64? = nil, notBeforeMs: Int64 = 0, errors: [String] = [],
        owner: String? = nil
    ) {
        self.callID = callID
        self.method = method
        self.priority = priority
        self.attempt = attempt
        self.state = state
        self.enqueuedMs = enqueuedMs
        self.finishedMs = finishedMs
        self.status = status
        self.message = message
        self.worker = worker
        self.entry = entry
        self.payload = payload
        self.result = result
        self.maxAttempts = maxAttempts
        self.timeoutMs = timeoutMs
        self.expiresMs = expiresMs
        self.notBeforeMs = notBeforeMs
        self.errors = errors
        self.owner = owner
    }
}

extension CallRecord {
    /// The entry name of calls submitted from outside the host (`roadsense submit`).
    public static let submitEntry = "submit"

    /// Succeeded, failed or expired: nothing more will happen to it.
    public var isFinished: Bool { state == .succeeded || state == .failed || state == .expired }
}
