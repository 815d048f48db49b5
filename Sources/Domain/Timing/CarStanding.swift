/// Where one car stands in the race, from its completed laps.
public struct CarStanding: Sendable, Equatable {
    public var carKey: String
    public var vehicleID: String
    public var carNumber: Int?
    public var lapsCompleted: Int
    /// When it completed its latest lap.
    public var lastCrossedMs: Int64
    public var lastLapMs: Int64?
    public var bestLapMs: Int64?
    public var bestLapNumber: Int?
    /// 1 = leader.
    public var position: Int
    /// The car has taken the chequered flag (`RunningOrder.standings`): its laps are final and it is on its
    /// cool-down lap, not on lap `lapsCompleted + 1`.
    public var finished: Bool

    public init(
        carKey: String, vehicleID: String, carNumber: Int?, lapsCompleted: Int, lastCrossedMs: Int64,
        lastLapMs: Int64?, bestLapMs: Int64?, bestLapNumber: Int?, position: Int, finished: Bool = false
    ) {
        self.finished = finished
        self.carKey = carKey
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.lapsCompleted = lapsCompleted
        self.lastCrossedMs = lastCrossedMs
        self.lastLapMs = lastLapMs
        self.bestLapMs = bestLapMs
        self.bestLapNumber = bestLapNumber
        self.position = position
    }
}
