/// One row of an Al Kamel `23_AnalysisEnduranceWithSections` file: one lap of one car.
public struct AnalysisLap: Sendable, Equatable {
    public var carNumber: Int
    /// `NUMBER` as written (`021` and `21` are different cars in the non-anonymised files).
    public var carLabel: String
    public var lap: Int
    public var lapTimeMs: Int64
    public var s1Ms: Int64?
    public var s2Ms: Int64?
    public var s3Ms: Int64?
    /// Average speed over the lap (`KPH`).
    public var kph: Double?
    /// Race time at the crossing (`ELAPSED`).
    public var elapsedMs: Int64?
    /// `HOUR`: local time of day of the crossing, ms since local midnight (no date, no zone).
    public var hourOfDayMs: Int64
    public var topSpeedKph: Double?
    /// `CROSSING_FINISH_LINE_IN_PIT` = `B`.
    public var pitIn: Bool
    public var pitTimeMs: Int64?
    /// `FLAG_AT_FL`: `GF`, `FCY`, `FF`.
    public var flag: String
    /// 1-based file line.
    public var row: Int
    /// The lap's intermediate points in header order (empty when the file has no `_time`/`_elapsed` columns).
    public var intermediates: [AnalysisIntermediate]

    public init(
        carNumber: Int, carLabel: String, lap: Int, lapTimeMs: Int64, s1Ms: Int64?, s2Ms: Int64?, s3Ms: Int64?,
        kph: Double?, elapsedMs: Int64?, hourOfDayMs: Int64, topSpeedKph: Double?, pitIn: Bool, pitTimeMs: Int64?,
        flag: String, row: Int, intermediates: [AnalysisIntermediate] = []
    ) {
        self.carNumber = carNumber
        self.carLabel = carLabel
        self.lap = lap
        self.lapTimeMs = lapTimeMs
        self.s1Ms = s1Ms
        self.s2Ms = s2Ms
        self.s3Ms = s3Ms
        self.kph = kph
        self.elapsedMs = elapsedMs
        self.hourOfDayMs = hourOfDayMs
        self.topSpeedKph = topSpeedKph
        self.pitIn = pitIn
        self.pitTimeMs = pitTimeMs
        self.flag = flag
        self.row = row
        self.intermediates = intermediates
    }
}
