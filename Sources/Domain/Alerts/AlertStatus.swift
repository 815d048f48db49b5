/// What the store knows of an alert raised before: when it was first raised and whether someone on the pit
/// wall acknowledged it. The escalation rule reads it, so a restarted alerts plugin escalates on time.
public struct AlertStatus: Sendable, Equatable {
    public var firstRaisedMs: Int64
    public var acknowledgedMs: Int64?

    public init(firstRaisedMs: Int64, acknowledgedMs: Int64?) {
        self.firstRaisedMs = firstRaisedMs
        self.acknowledgedMs = acknowledgedMs
    }
}
