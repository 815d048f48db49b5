/// The durable record of one call: what was asked, of whom, and how it ended.
public struct CallRecord: Sendable, Equatable {
    public enum State: String, Sendable {
        case queued, running, succeeded, failed, expired
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

    public init(
        callID: String, method: String, priority: Int, attempt: Int, state: State, enqueuedMs: Int64,
        finishedMs: Int64? = nil, status: String? = nil, message: String? = nil, worker: String? = nil
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
    }
}
