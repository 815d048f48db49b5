/// One car in a `99_Best 10 Laps By Driver` file.
public struct BestLapsRow: Sendable, Equatable {
    public var carNumber: Int
    /// `NUMBER` as written.
    public var carLabel: String
    public var totalLaps: Int
    /// Best laps, fastest first; the `;;0` padding of cars with fewer laps is left out.
    public var laps: [BestLap]
    public var averageMs: Int64?
    /// 1-based file line.
    public var row: Int

    public init(carNumber: Int, carLabel: String, totalLaps: Int, laps: [BestLap], averageMs: Int64?, row: Int = 0) {
        self.carNumber = carNumber
        self.carLabel = carLabel
        self.totalLaps = totalLaps
        self.laps = laps
        self.averageMs = averageMs
        self.row = row
    }
}
