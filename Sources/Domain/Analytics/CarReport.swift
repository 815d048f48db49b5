/// One car's race, from the analysis file (laps, sectors, flags, pit) and the results file (position).
///
/// Times are milliseconds with a `m:ss.fff` twin for people. "Best lap" follows Al Kamel: the fastest
/// lap from lap 2 on (the start lap never counts in their best-laps or results files). Al Kamel may
/// also strike a lap RoadSense cannot see as struck (a track-limits deletion); `resultsBestLapMs`
/// carries their figure so the two can be compared.
public struct CarReport: Codable, Sendable, Equatable {
    public var carNumber: Int
    /// `NUMBER` as written in the analysis file (`021` and `21` are different cars at indianapolis).
    public var carLabel: String
    /// 1, 2, … when anonymisation gave two cars the same label (cota and sonoma both have two `3`s),
    /// in analysis-file order; nil when the label is unique.
    public var entry: Int?
    /// Lap-file vehicle ids mapped to this car (`GR86-002-000`); empty when none is.
    public var vehicleIDs: [String]

    public var lapsCompleted: Int
    public var bestLapMs: Int64?
    public var bestLap: String?
    public var bestLapNumber: Int?
    /// Sum of the car's best S1, S2 and S3 (over all its laps); nil when a sector was never timed.
    public var theoreticalBestMs: Int64?
    public var theoreticalBest: String?
    public var bestS1Ms: Int64?
    public var bestS2Ms: Int64?
    public var bestS3Ms: Int64?
    /// The car's best S1/S2/S3 minus the best of that sector over every car (0 = session best).
    public var s1DeltaMs: Int64?
    public var s2DeltaMs: Int64?
    public var s3DeltaMs: Int64?
    /// The car's fastest time through each intermediate point (`IM1a` … `FL`), its lap and its gap to the
    /// session best through that point; empty when the file has no intermediates.
    public var bestIntermediates: [BestIntermediate]
    /// Clean laps (`CarPace`: lap 2+, green, no pit, within 107 % of the car's fastest such lap), their mean
    /// and their standard deviation (consistency; lower is steadier).
    public var cleanLaps: Int
    public var meanCleanLapMs: Int64?
    public var consistencyMs: Int64?
    /// Highest `TOP_SPEED`; nil where the files leave it empty (every sebring and vir row).
    public var topSpeedKph: Double?
    /// Median of laps 2+ under green (`GF`), not crossing the line in the pit and without pit time.
    public var medianGreenLapMs: Int64?
    public var medianGreenLap: String?
    /// Laps with `FLAG_AT_FL` = `GF`, or `FF` (the chequered lap, raced at speed).
    public var greenLaps: Int
    /// Laps with `FLAG_AT_FL` = `FCY` (full-course yellow) or any other caution code.
    public var cautionLaps: Int
    /// Laps ending in the pit lane (`CROSSING_FINISH_LINE_IN_PIT` = `B`) or carrying `PIT_TIME`.
    public var pitLaps: [Int]
    /// `ELAPSED` at the car's last crossing: its race time on the road.
    public var raceTimeMs: Int64?
    /// Every lap in the analysis file, in lap order.
    public var laps: [ReportLap]

    /// Place by laps completed, then race time on the road (no penalties).
    public var onTrackPosition: Int?
    /// `POSITION` in the results file; nil for non-starters and cars missing from it.
    public var finishingPosition: Int?
    /// `Classified`, `Not started`, … from the results file.
    public var status: String?
    /// `LAPS` in the results file.
    public var resultsLaps: Int?
    /// `TOTAL_TIME` in the results file (includes time penalties).
    public var resultsTotalTimeMs: Int64?
    /// `GAP_FIRST` as written (`-`, `+2.740`, `1 Lap`).
    public var gapToLeader: String?
    /// `FL_TIME` / `FL_LAPNUM`: the organisers' best lap of this car.
    public var resultsBestLapMs: Int64?
    public var resultsBestLapNumber: Int?
    /// `TOTAL_TIME` minus race time on the road, when the laps agree and they differ: a time penalty.
    public var penaltyMs: Int64?

    public init(carNumber: Int, carLabel: String) {
        self.carNumber = carNumber
        self.carLabel = carLabel
        entry = nil
        vehicleIDs = []
        lapsCompleted = 0
        greenLaps = 0
        cautionLaps = 0
        cleanLaps = 0
        pitLaps = []
        laps = []
        bestIntermediates = []
    }

    /// `3`, or `3#2` for the second car labelled `3`.
    public var displayName: String { entry.map { "\(carLabel)#\($0)" } ?? carLabel }
}
