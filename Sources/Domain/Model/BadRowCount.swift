/// How many rows of one file were rejected or repaired for one reason.
public struct BadRowCount: Sendable, Equatable {
    public var file: String
    /// File kind: `telemetry`, `lap_end`, `lap_start`, `lap_time`, `analysis`, `weather`, `results`, `best_laps`.
    public var kind: String
    public var reason: String
    public var count: Int

    public init(file: String, kind: String, reason: String, count: Int) {
        self.file = file
        self.kind = kind
        self.reason = reason
        self.count = count
    }
}
