/// One organiser file the report read (or deliberately set aside), by kind.
public struct ReportFile: Codable, Sendable, Equatable {
    /// `analysis`, `lap_end`, `lap_start`, `lap_time`, `weather`, `results`, `results_by_class`,
    /// `best_laps`, `telemetry`.
    public var kind: String
    /// File name as found in the race folder (a sub-folder path when taken from elsewhere).
    public var file: String
    /// `used`, or `ignored` when the file cannot belong to this race (see `note`).
    public var status: String
    /// Rows read into RoadSense (bad rows excluded).
    public var rows: Int
    /// Why the file was ignored or what is odd about it; nil when nothing is.
    public var note: String?

    public init(kind: String, file: String, status: String = "used", rows: Int, note: String? = nil) {
        self.kind = kind
        self.file = file
        self.status = status
        self.rows = rows
        self.note = note
    }
}
