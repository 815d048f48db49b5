/// When a stop costs least, and what it gains or loses, over the rest of the race.
///
/// Stopping at the end of lap p (the in-lap; the out-lap p + 1 starts new tyres at age 0) changes every
/// remaining lap by the tyre slope s times the age difference, which is the same on every lap:
/// `a_t + (p − t) + 1` laps, with `a_t` the tyre age at the last completed lap t. Over the R − p laps left:
///
///     gain(p) = s · (a_t + p − t + 1) · (R − p) − pitLoss
///
/// A positive gain means the stop wins time. Its 80 % interval takes the slope's standard error and the
/// pit loss's spread as independent normal errors: ± 1.2816 · √((a_t + p − t + 1)² (R − p)² se² + sdLoss²).
/// Under a caution the stop costs the caution pit loss instead; the window is computed both ways.
public struct PitWindow: Sendable, Equatable {
    /// Stopping at the end of `lap`.
    public struct Option: Sendable, Equatable {
        public var lap: Int
        public var expectedGainMs: Double
        /// 80 % interval of the gain.
        public var lowMs: Double
        public var highMs: Double

        public init(lap: Int, expectedGainMs: Double, lowMs: Double, highMs: Double) {
            self.lap = lap
            self.expectedGainMs = expectedGainMs
            self.lowMs = lowMs
            self.highMs = highMs
        }
    }

    /// One option per lap from the next lap (t + 1) to the second-to-last (R − 1), under green.
    public var options: [Option]
    /// The same laps if the stop is made under a caution; empty when no caution loss is known.
    public var cautionOptions: [Option]
    public var pitLossMs: Double
    public var cautionPitLossMs: Double?

    /// The option with the largest expected gain, if that gain is positive.
    public var best: Option? { PitWindow.best(options) }
    public var bestUnderCaution: Option? { PitWindow.best(cautionOptions) }
    /// The option with the largest expected gain, positive or not (the least costly stop); nil without options.
    public var leastCostly: Option? { options.max { $0.expectedGainMs < $1.expectedGainMs } }
    public var leastCostlyUnderCaution: Option? { cautionOptions.max { $0.expectedGainMs < $1.expectedGainMs } }
    /// First and last lap whose stop is expected to gain time; nil when none does.
    public var window: ClosedRange<Int>? { PitWindow.range(options) }
    public var windowUnderCaution: ClosedRange<Int>? { PitWindow.range(cautionOptions) }

    /// - Parameters:
    ///   - lapsCompleted: t, the last completed lap.
    ///   - raceLaps: R, the race's last lap.
    ///   - tyreAge: a_t, the tyre age at lap t in laps (0 on the stint's first lap).
    ///   - tyreSlopeMs: s, lap time added per lap of tyre age (ms per lap), and `tyreSlopeSE` its standard error.
    public static func plan(
        lapsCompleted: Int, raceLaps: Int, tyreAge: Int, tyreSlopeMs: Double, tyreSlopeSE: Double,
        pitLossMs: Double, pitLossSD: Double, cautionPitLossMs: Double?
    ) -> PitWindow {
        func options(loss: Double) -> [Option] {
            guard raceLaps - lapsCompleted >= 2 else { return [] }
            return ((lapsCompleted + 1)..<raceLaps).map { lap in
                let ageGain = Double(tyreAge + lap - lapsCompleted + 1)
                let lapsLeft = Double(raceLaps - lap)
                let gain = tyreSlopeMs * ageGain * lapsLeft - loss
                let spread = 1.2816 * ((ageGain * lapsLeft * tyreSlopeSE).squared + pitLossSD.squared).squareRoot()
                return Option(lap: lap, expectedGainMs: gain, lowMs: gain - spread, highMs: gain + spread)
            }
        }
        return PitWindow(
            options: options(loss: pitLossMs), cautionOptions: cautionPitLossMs.map { options(loss: $0) } ?? [],
            pitLossMs: pitLossMs, cautionPitLossMs: cautionPitLossMs)
    }

    /// The window for one car from its pace filter: the tyre part of its stint slope (`tyreShare`), and
    /// the pit loss measured in this race (`measuredPitLossMs`) or else the model's, scaled to the car's lap.
    /// Nil before the car's slope is fitted.
    public static func plan(filter: StintPaceFilter, raceLaps: Int, measuredPitLossMs: Double? = nil) -> PitWindow? {
        guard let slope = filter.slope(), let lastLap = filter.lastLap,
            let reference = filter.referenceMs ?? filter.lastGreenMs
        else { return nil }
        let model = filter.model
        let loss = measuredPitLossMs ?? model.pitLoss * reference
        return plan(
            lapsCompleted: lastLap.lap, raceLaps: raceLaps, tyreAge: filter.tyreAge,
            tyreSlopeMs: model.tyreShare * slope.msPerLap, tyreSlopeSE: model.tyreShare * slope.standardError,
            pitLossMs: loss, pitLossSD: model.pitLossSD * reference,
            cautionPitLossMs: model.cautionPitLoss.map { $0 * reference })
    }

    private static func best(_ options: [Option]) -> Option? {
        guard let top = options.max(by: { $0.expectedGainMs < $1.expectedGainMs }), top.expectedGainMs > 0 else {
            return nil
        }
        return top
    }

    private static func range(_ options: [Option]) -> ClosedRange<Int>? {
        let gaining = options.filter { $0.expectedGainMs > 0 }.map(\.lap)
        guard let first = gaining.first, let last = gaining.last else { return nil }
        return first...last
    }
}

extension Double {
    fileprivate var squared: Double { self * self }
}
