/// What the pit wall sees for one car after a live-telemetry window.
public struct CarState: Sendable, Equatable {
    public var frame: CarFrame
    /// Samples folded into this state during the last window.
    public var samples: Int
    public var lastLapMs: Int64?
    public var bestLapMs: Int64?
    public var position: Int?
    public var lapsCompleted: Int
    /// Highest speed seen in the window.
    public var maxSpeedKph: Double?
    /// The car has taken the chequered flag (`CarStanding.finished`): `lapsCompleted` is its race, and it is on
    /// its cool-down lap rather than lap `lapsCompleted + 1`.
    public var finished: Bool

    public init(
        frame: CarFrame, samples: Int, lastLapMs: Int64? = nil, bestLapMs: Int64? = nil, position: Int? = nil,
        lapsCompleted: Int = 0, maxSpeedKph: Double? = nil, finished: Bool = false
    ) {
        self.finished = finished
        self.frame = frame
        self.samples = samples
        self.lastLapMs = lastLapMs
        self.bestLapMs = bestLapMs
        self.position = position
        self.lapsCompleted = lapsCompleted
        self.maxSpeedKph = maxSpeedKph
    }
}
