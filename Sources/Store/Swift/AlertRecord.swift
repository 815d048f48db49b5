import RaceDomain

/// A stored alert with its history: when it was first and last raised, how often, and whether (and with what
/// note) someone on the pit wall acknowledged it. `alert.raisedMs` is the last time it was raised.
public struct AlertRecord: Sendable, Equatable {
    public var alert: Alert
    public var firstRaisedMs: Int64
    public var lastRaisedMs: Int64
    public var timesSeen: Int
    public var acknowledgedMs: Int64?
    public var ackNote: String?

    public init(
        alert: Alert, firstRaisedMs: Int64, lastRaisedMs: Int64, timesSeen: Int, acknowledgedMs: Int64?,
        ackNote: String?
    ) {
        self.alert = alert
        self.firstRaisedMs = firstRaisedMs
        self.lastRaisedMs = lastRaisedMs
        self.timesSeen = timesSeen
        self.acknowledgedMs = acknowledgedMs
        self.ackNote = ackNote
    }

    /// Not acknowledged yet: still on the pit wall's list.
    public var isOpen: Bool { acknowledgedMs == nil }

    /// What the escalation rule needs to know.
    public var status: AlertStatus { AlertStatus(firstRaisedMs: firstRaisedMs, acknowledgedMs: acknowledgedMs) }
}
