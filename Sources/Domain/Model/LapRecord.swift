/// One completed lap of one car.
public struct LapRecord: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// Al Kamel `23_AnalysisEnduranceWithSections` file: lap time, sectors, flags.
        case analysis
        /// `lap_end` event from the car's timing feed.
        case lapEnd = "lap_end"
    }

    /// Empty when only the race number is known (the analysis file has no vehicle ids).
    public var vehicleID: String
    public var carNumber: Int?
    public var lap: Int
    public var lapTimeMs: Int64?
    /// When the car crossed the line, UTC.
    public var crossedMs: Int64
    public var s1Ms: Int64?
    public var s2Ms: Int64?
    public var s3Ms: Int64?
    public var topSpeedKph: Double?
    public var avgSpeedKph: Double?
    /// Race time at the crossing.
    public var elapsedMs: Int64?
    /// Flag at the finish line: `GF` green, `FCY` full-course yellow, `FF` finish.
    public var flag: String
    /// Crossed the line in the pit lane (`CROSSING_FINISH_LINE_IN_PIT` = `B`).
    public var pitIn: Bool
    /// Time spent in the pit on this lap (`PIT_TIME`).
    public var pitTimeMs: Int64?
    public var source: Source

    public init(
        vehicleID: String = "", carNumber: Int?, lap: Int, lapTimeMs: Int64?, crossedMs: Int64, s1Ms: Int64? = nil,
        s2Ms: Int64? = nil, s3Ms: Int64? = nil, topSpeedKph: Double? = nil, avgSpeedKph: Double? = nil,
        elapsedMs: Int64? = nil, flag: String = "", pitIn: Bool = false, pitTimeMs: Int64? = nil,
        source: Source
    ) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.lap = lap
        self.lapTimeMs = lapTimeMs
        self.crossedMs = crossedMs
        self.s1Ms = s1Ms
        self.s2Ms = s2Ms
        self.s3Ms = s3Ms
        self.topSpeedKph = topSpeedKph
        self.avgSpeedKph = avgSpeedKph
        self.elapsedMs = elapsedMs
        self.flag = flag
        self.pitIn = pitIn
        self.pitTimeMs = pitTimeMs
        self.source = source
    }

    /// A lap run at racing speed under green: usable for pace and degradation models.
    public var isGreen: Bool { flag == "GF" && !pitIn && (pitTimeMs ?? 0) == 0 }
}
