/// How many rows of one file were rejected or repaired for one reason.
public struct BadRowCount: Codable, Sendable, Equatable {
    public var file: String
    /// File kind: `telemetry`, `lap_end`, `lap_start`, `lap_time`, `analysis`, `weather`, `results`, `best_laps`.
    public var kind: String
    public var reason: String
    public var count: Int
    /// The first row counted, with its row number, field and value, e.g.
    /// `row 2327 field telemetry_value: '1e29' is implausible for speed`; nil when not known.
    public var example: String?

    public init(file: String, kind: String, reason: String, count: Int, example: String? = nil) {
        self.file = file
        self.kind = kind
        self.reason = reason
        self.count = count
        self.example = example
    }
}
