/// A call whose retry budget is spent (or that failed with a non-retryable code), kept with every
/// attempt's error until an operator retries or purges it (`roadsense ctl dead-letter …`).
public struct DeadLetter: Sendable, Equatable {
    public var callID: String
    public var method: String
    public var entry: String
    public var priority: Int
    public var attempts: Int
    public var errors: [String]
    public var deadMs: Int64
    public var payload: [UInt8]?

    public init(
        callID: String, method: String, entry: String, priority: Int, attempts: Int, errors: [String], deadMs: Int64,
        payload: [UInt8]?
    ) {
        self.callID = callID
        self.method = method
        self.entry = entry
        self.priority = priority
        self.attempts = attempts
        self.errors = errors
        self.deadMs = deadMs
        self.payload = payload
    }
}
