/// A condition the pit wall should know about.
public struct Alert: Sendable, Equatable {
    /// Natural key (`rule/car/subject`): the same condition found again keeps the same id.
    public var alertID: String
    public var vehicleID: String
    public var carNumber: Int?
    /// `threshold`, `lap_time_drop`, `stale_feed`, ...
    public var rule: String
    public var severity: Severity
    public var message: String
    public var raisedMs: Int64
    public var lap: Int
    public var value: Double?
    public var threshold: Double?
    public var channel: String

    public init(
        alertID: String, vehicleID: String, carNumber: Int?, rule: String, severity: Severity, message: String,
        raisedMs: Int64, lap: Int, value: Double?, threshold: Double?, channel: String
    ) {
        self.alertID = alertID
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.rule = rule
        self.severity = severity
        self.message = message
        self.raisedMs = raisedMs
        self.lap = lap
        self.value = value
        self.threshold = threshold
        self.channel = channel
    }
}
