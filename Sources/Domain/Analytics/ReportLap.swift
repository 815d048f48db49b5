/// One lap of one car as the analysis file gives it.
public struct ReportLap: Codable, Sendable, Equatable {
    public var lap: Int
    public var lapTimeMs: Int64
    public var s1Ms: Int64?
    public var s2Ms: Int64?
    public var s3Ms: Int64?
    /// `FLAG_AT_FL`: `GF`, `FCY`, `FF`.
    public var flag: String
    /// Crossed the line in the pit lane, or has pit time.
    public var pit: Bool
    public var topSpeedKph: Double?
    /// `ELAPSED`: race time at the crossing.
    public var elapsedMs: Int64?
    /// The intermediate points (`IM1a` … `FL`), time from the previous point and time into the lap.
    public var intermediates: [AnalysisIntermediate]

    public init(_ lap: AnalysisLap) {
        self.lap = lap.lap
        lapTimeMs = lap.lapTimeMs
        s1Ms = lap.s1Ms
        s2Ms = lap.s2Ms
        s3Ms = lap.s3Ms
        flag = lap.flag
        pit = lap.pitIn || lap.pitTimeMs != nil
        topSpeedKph = lap.topSpeedKph
        elapsedMs = lap.elapsedMs
        intermediates = lap.intermediates
    }
}
