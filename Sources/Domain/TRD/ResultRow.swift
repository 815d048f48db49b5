/// One car in an Al Kamel results file (`03_`/`00_` overall or `05_` by class).
public struct ResultRow: Sendable, Equatable {
    /// Finishing position; nil for non-starters (empty `POSITION`). `11.0` reads as 11.
    public var position: Int?
    public var carNumber: Int
    /// `NUMBER` as written.
    public var carLabel: String
    /// `Classified`, `Not started`, ...; empty in `05_` files, which have no STATUS column.
    public var status: String
    public var laps: Int
    /// `TOTAL_TIME` (03_/00_) or `ELAPSED` (05_).
    public var totalTimeMs: Int64?
    /// `-` for the leader in 03_, empty in 05_, `+2.740`, `1 Lap`, ...
    public var gapFirst: String
    /// `GAP_PREVIOUS` as written (`-`, `+7.915`, `1 Lap`); empty when the file has no such column.
    public var gapPrevious: String
    public var bestLapMs: Int64?
    public var bestLapNumber: Int?
    /// 1-based file line.
    public var row: Int

    public init(
        position: Int?, carNumber: Int, carLabel: String, status: String, laps: Int, totalTimeMs: Int64?,
        gapFirst: String, gapPrevious: String = "", bestLapMs: Int64?, bestLapNumber: Int?, row: Int = 0
    ) {
        self.position = position
        self.carNumber = carNumber
        self.carLabel = carLabel
        self.status = status
        self.laps = laps
        self.totalTimeMs = totalTimeMs
        self.gapFirst = gapFirst
        self.gapPrevious = gapPrevious
        self.bestLapMs = bestLapMs
        self.bestLapNumber = bestLapNumber
        self.row = row
    }
}
