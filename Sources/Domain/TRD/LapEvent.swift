/// One lap crossing from a `lap_start`, `lap_end` or `lap_time` file.
public struct LapEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case start = "lap_start"
        case end = "lap_end"
        case time = "lap_time"

        /// The kind a file name implies (`COTA_lap_end_time_R1.csv` → `.end`), nil if none.
        public init?(fileName: String) {
            let name = fileName.lowercased()
            if name.contains("lap_start") {
                self = .start
            } else if name.contains("lap_end") {
                self = .end
            } else if name.contains("lap_time") {
                self = .time
            } else {
                return nil
            }
        }
    }

    public var kind: Kind
    public var vehicleID: String
    /// From the `vehicle_number` column, else the id's last segment; nil for 0/000 (anonymised).
    public var carNumber: Int?
    public var lap: Int
    /// Crossing time (UTC, the timing system's `timestamp`).
    public var timestampMs: Int64
    /// Receiver time (UTC).
    public var metaTimeMs: Int64
    /// Lap duration from an integer `value` (lap_time files of cota/sonoma/sebring/road-america/vir only).
    public var durationMs: Int64?
    /// 1-based file line the event came from.
    public var row: Int

    public init(
        kind: Kind, vehicleID: String, carNumber: Int?, lap: Int, timestampMs: Int64, metaTimeMs: Int64,
        durationMs: Int64? = nil, row: Int = 0
    ) {
        self.kind = kind
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.lap = lap
        self.timestampMs = timestampMs
        self.metaTimeMs = metaTimeMs
        self.durationMs = durationMs
        self.row = row
    }
}
