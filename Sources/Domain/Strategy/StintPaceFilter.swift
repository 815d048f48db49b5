import Foundation

/// One car's lap-time model, updated online at every lap: within the current stint,
/// `lapTime = level + slope · tyreAge`, tyre age counted in laps from the stint's first lap.
///
/// The fit is weighted least squares kept as sufficient statistics (Σw·x·xᵀ and Σw·x·y with x = [1, age]),
/// each older lap discounted by `forgetting` at every new lap, plus the prior from `PaceModel`: the slope's
/// mean `trendPerLap` and spread `trendPriorSD`, scaled to the car's first fitted lap. The same
/// laps with the same weights give the same fit whether added one by one or summed at once (`batchFit`).
///
/// What is fitted and what is not (the returned `LapUse` says which):
/// - not fitted: laps that are not green (`FCY`, `FF`), lap 1 (the start), the first green lap after a
///   caution lap (the restart), in-laps and out-laps (a stop starts a new stint at the out-lap, age 0);
/// - outliers: once 3 laps are fitted, a lap further than `outlierK` noise scales from the forecast
///   (traffic, an off, a mistake) is left out — unless it is the third such lap in a row on the same side,
///   which means the pace itself changed: the stint's statistics restart from that lap;
/// - Huber weights: a lap beyond `huberK` noise scales counts with weight `huberK · s / |r|`.
/// The noise scale `s` is the larger of the model's `noiseScale` and the car's own robust spread
/// (1.4826 · median |residual| of its last 10 fitted laps).
public struct StintPaceFilter: Sendable {
    public enum LapUse: Sendable, Equatable {
        case fitted(weight: Double)
        case notGreen
        case raceStart
        case restart
        case pitStop
        case outlier
        case noTime
    }

    /// One fitted lap: tyre age, lap time, weight.
    public struct Point: Sendable, Equatable {
        public var age: Double
        public var timeMs: Double
        public var weight: Double
    }

    public let model: PaceModel
    /// Lap number of the current stint's age-0 lap (1 before any stop).
    public private(set) var stintStartLap = 1
    /// The car's first fitted lap time: the scale of the priors, fixed for the race.
    public private(set) var referenceMs: Double?
    /// The last lap seen (fitted or not).
    public private(set) var lastLap: LapRecord?
    /// The last green lap time seen, for the fallback forecast.
    public private(set) var lastGreenMs: Double?
    /// Fitted laps of the current stint, in order, with their weights (for inspection and `batchFit`).
    public private(set) var points: [Point] = []

    // Sufficient statistics of the current stint (discounted).
    private var s00 = 0.0
    private var s01 = 0.0
    private var s11 = 0.0
    private var b0 = 0.0
    private var b1 = 0.0
    /// Discount applied so far to the prior (forgetting ^ laps fitted).
    private var priorWeight = 1.0
    /// Level prior of the stint (after a stop: the level carried over); precision in lap-equivalents.
    private var levelPriorMean = 0.0
    private var levelPriorPrecision = 0.0
    private var recentResiduals: [Double] = []
    private var outlierRun: (count: Int, sign: Double) = (0, 0)

    public init(model: PaceModel) { self.model = model }

    /// Number of laps fitted in the current stint.
    public var fittedLaps: Int { points.count }

    // MARK: - Update

    /// Adds the car's next completed lap and says how it was used.
    @discardableResult
    public mutating func update(_ lap: LapRecord) -> LapUse {
        let previous = lastLap
        lastLap = lap
        guard let time = lap.lapTimeMs.map(Double.init), time > 0 else { return .noTime }

        // Stops start a new stint: the in-lap (crossing in the pit) at the next lap, the out-lap at itself.
        if lap.pitIn || (lap.pitTimeMs ?? 0) > 0 {
            startStint(atLap: lap.pitIn ? lap.lap + 1 : lap.lap)
            return .pitStop
        }
        guard lap.flag == "GF" else { return .notGreen }
        lastGreenMs = time
        guard lap.lap > 1 else { return .raceStart }
        if let previous, previous.lap == lap.lap - 1, previous.flag == "FCY" { return .restart }
        if lap.lap == stintStartLap, stintStartLap > 1 { return .pitStop }

        // Robust weight from the forecast residual, once the fit has something to stand on.
        let age = Double(lap.lap - stintStartLap)
        var weight = 1.0
        if points.count >= 3, let mean = meanAt(age: age) {
            let residual = time - mean
            let scale = noiseScaleMs()
            if abs(residual) > model.outlierK * scale {
                let sign: Double = residual > 0 ? 1 : -1
                outlierRun = outlierRun.sign == sign ? (outlierRun.count + 1, sign) : (1, sign)
                guard outlierRun.count >= 3 else { return .outlier }
                restartStatistics()
            } else if abs(residual) > model.huberK * scale {
                weight = model.huberK * scale / abs(residual)
            }
            if points.count >= 3 { recordResidual(residual) }
        }
        outlierRun = (0, 0)
        add(Point(age: age, timeMs: time, weight: weight))
        return .fitted(weight: weight)
    }

    private mutating func add(_ point: Point) {
        if referenceMs == nil { referenceMs = point.timeMs }
        let lambda = model.forgetting
        let x = point.age
        let w = point.weight
        s00 = lambda * s00 + w
        s01 = lambda * s01 + w * x
        s11 = lambda * s11 + w * x * x
        b0 = lambda * b0 + w * point.timeMs
        b1 = lambda * b1 + w * x * point.timeMs
        priorWeight *= lambda
        points.append(point)
    }

    private mutating func startStint(atLap lap: Int) {
        // Carry the level over: the fitted pace at the old age, less the tyre part of the slope's effect.
        if let coefficients = coefficients(), let last = points.last {
            levelPriorMean = coefficients.level + (1 - model.tyreShare) * coefficients.slope * last.age
            levelPriorPrecision = 1
        }
        stintStartLap = lap
        restartStatistics()
    }

    private mutating func restartStatistics() {
        (s00, s01, s11, b0, b1) = (0, 0, 0, 0, 0)
        priorWeight = 1
        points = []
        recentResiduals = []
        outlierRun = (0, 0)
    }

    private mutating func recordResidual(_ residual: Double) {
        recentResiduals.append(abs(residual))
        if recentResiduals.count > 10 { recentResiduals.removeFirst() }
    }

    // MARK: - Fit

    /// The prior's slope mean (ms per lap) and its precision in lap-equivalents, σ² / sd².
    private var slopePrior: (mean: Double, precision: Double) {
        let reference = referenceMs ?? 0
        let ratio = model.noiseScale / max(model.trendPriorSD, 1e-12)
        return (model.trendPerLap * reference, ratio * ratio)
    }

    /// Level at age 0 and slope (ms per lap) of the current stint, with the inverse of the normal matrix
    /// (times σ² it is their covariance); nil before the fit is determined.
    public func coefficients() -> (level: Double, slope: Double, inverse: (Double, Double, Double))? {
        let prior = slopePrior
        return StintPaceFilter.solve(
            s00: s00 + priorWeight * levelPriorPrecision, s01: s01, s11: s11 + priorWeight * prior.precision,
            b0: b0 + priorWeight * levelPriorPrecision * levelPriorMean,
            b1: b1 + priorWeight * prior.precision * prior.mean)
    }

    /// The same fit computed at once from `points` (each weighted by forgetting^(laps after it)), with the
    /// same prior: the reference that the online statistics must match.
    public func batchFit() -> (level: Double, slope: Double)? {
        let lambda = model.forgetting
        let n = points.count
        var sums = (s00: 0.0, s01: 0.0, s11: 0.0, b0: 0.0, b1: 0.0)
        for (index, point) in points.enumerated() {
            let w = point.weight * pow(lambda, Double(n - 1 - index))
            sums.s00 += w
            sums.s01 += w * point.age
            sums.s11 += w * point.age * point.age
            sums.b0 += w * point.timeMs
            sums.b1 += w * point.age * point.timeMs
        }
        let prior = slopePrior
        let decay = pow(lambda, Double(n))
        guard
            let fit = StintPaceFilter.solve(
                s00: sums.s00 + decay * levelPriorPrecision, s01: sums.s01, s11: sums.s11 + decay * prior.precision,
                b0: sums.b0 + decay * levelPriorPrecision * levelPriorMean,
                b1: sums.b1 + decay * prior.precision * prior.mean)
        else { return nil }
        return (fit.level, fit.slope)
    }

    static func solve(s00: Double, s01: Double, s11: Double, b0: Double, b1: Double) -> (
        level: Double, slope: Double, inverse: (Double, Double, Double)
    )? {
        let determinant = s00 * s11 - s01 * s01
        guard determinant > 1e-9 * max(1, s00 * s11) else { return nil }
        let level = (s11 * b0 - s01 * b1) / determinant
        let slope = (s00 * b1 - s01 * b0) / determinant
        return (level, slope, (s11 / determinant, -s01 / determinant, s00 / determinant))
    }

    private func meanAt(age: Double) -> Double? {
        coefficients().map { $0.level + $0.slope * age }
    }

    /// The noise scale in ms: the model's, or the car's own recent spread when larger.
    public func noiseScaleMs() -> Double {
        let base = model.noiseScale * (referenceMs ?? lastGreenMs ?? 0)
        guard recentResiduals.count >= 3 else { return base }
        let sorted = recentResiduals.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return max(base, 1.4826 * median)
    }

    /// The car's recent residuals (the last 10 fitted after the third) as fractions of its reference lap.
    public var relativeResiduals: [Double] {
        guard let referenceMs, referenceMs > 0 else { return [] }
        return recentResiduals.map { $0 / referenceMs }
    }

    /// Residuals the field's spread needs before it replaces the model's noise.
    public static let fieldSpreadMinimum = 20

    /// The field's spread in this race so far: 1.4826 · the median of every car's recent relative residuals, as a
    /// fraction of a lap; nil under `fieldSpreadMinimum` residuals. A steady race (Barber) spreads less than the
    /// model's noise, one with traffic and incidents more.
    public static func fieldSpread(_ filters: some Sequence<StintPaceFilter>) -> Double? {
        let values = filters.flatMap(\.relativeResiduals)
        guard values.count >= fieldSpreadMinimum, let median = Statistics.median(values) else { return nil }
        return 1.4826 * median
    }

    /// The spread the green-lap 80 % interval is scaled by (ms): the car's own robust residual spread (1.4826 ·
    /// median |residual| of its last 10 fitted laps) shrunk towards a base with the weight of
    /// `PaceModel.intervalPriorLaps` laps, `√((n₀·base² + n·own²) / (n₀ + n))`. The base is the field's spread in
    /// this race so far (`fieldSpread`) when given, else the model's noise, times the car's reference lap. A steady
    /// car in a steady race gets narrower intervals than a car in traffic; with no residual yet it is the base.
    public func intervalScaleMs(fieldSpread: Double? = nil) -> Double {
        let reference = referenceMs ?? lastGreenMs ?? lastLap?.lapTimeMs.map(Double.init) ?? 0
        let base = (fieldSpread ?? model.noiseScale) * reference
        guard !recentResiduals.isEmpty, let median = Statistics.median(recentResiduals) else { return base }
        let own = 1.4826 * median
        let n = Double(recentResiduals.count)
        let prior = model.intervalPriorLaps
        return ((prior * base * base + n * own * own) / (prior + n)).squareRoot()
    }

    /// Tyre age (laps) of the last lap seen.
    public var tyreAge: Int { max(0, (lastLap?.lap ?? stintStartLap) - stintStartLap) }

    /// The stint slope (ms per lap) and its standard error; nil before the fit is determined.
    public func slope() -> (msPerLap: Double, standardError: Double)? {
        guard let fit = coefficients() else { return nil }
        let scale = noiseScaleMs()
        return (fit.slope, (max(0, fit.inverse.2)).squareRoot() * scale)
    }

    // MARK: - Forecast

    /// Forecast of the lap `horizon` laps after the last one seen, assuming it is run under green.
    /// The lap after a caution lap is forecast as a restart lap (`restartPenalty`, restart interval).
    /// `fieldSpread` (the race's so far) scales the green interval; nil before any lap with a time.
    public func forecast(horizon: Int, fieldSpread: Double? = nil) -> PaceForecast? {
        guard let lastLap, horizon >= 1 else { return nil }
        let age = Double(lastLap.lap - stintStartLap + horizon)
        let scale = intervalScaleMs(fieldSpread: fieldSpread)
        var mean: Double
        var fitted = false
        if !points.isEmpty, let value = meanAt(age: age) {
            mean = value
            fitted = true
        } else if let lastGreenMs {
            mean = lastGreenMs
        } else if let time = lastLap.lapTimeMs {
            mean = Double(time)
        } else {
            return nil
        }
        if horizon == 1, lastLap.flag == "FCY" {
            // The restart lap: the field's behaviour, not the car's spread; its interval is relative.
            mean *= 1 + model.restartPenalty
            let restart = model.restartQuantiles
            return PaceForecast(
                lap: lastLap.lap + 1, horizon: 1, meanMs: mean, lowMs: mean * (1 + restart.q10),
                highMs: mean * (1 + restart.q90), fitted: fitted, scaleMs: scale)
        }
        let quantiles = model.quantiles(horizon: horizon)
        return PaceForecast(
            lap: lastLap.lap + horizon, horizon: horizon, meanMs: mean, lowMs: mean + quantiles.q10 * scale,
            highMs: mean + quantiles.q90 * scale, fitted: fitted, scaleMs: scale)
    }
}
