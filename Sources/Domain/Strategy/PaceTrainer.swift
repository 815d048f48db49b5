import Foundation

/// Fits `PaceModel` priors from finished races.
///
/// 1. **Clean laps**: green, not lap 1, not the restart lap after a caution, per car and stint (a stop
///    starts a stint), within 107 % of the stint's median. Lap times as fractions of that median.
/// 2. **Trend**: one slope shared by every stint with the stint's own level (a within-stint regression
///    of relative lap time on tyre age); its prior spread is the robust spread of the per-stint slopes
///    of stints with ≥ 8 clean laps. **Noise**: 1.4826 · MAD of the residuals.
/// 3. **Tyre share**: per car, relative lap time on race lap and tyre age together; only stops separate
///    them (tyre age resets, race lap does not). Under 5 cars with a stop, or when the two stay 99 %
///    correlated, the whole trend is taken as tyre wear (share 1).
/// 4. **Restart penalty**: median excess of the first green lap after a caution over the car's median.
/// 5. **Pit loss**: per stop, (in-lap + out-lap) − what the car would have run on those laps, where that
///    is the field's median on the same lap (green or caution) scaled by the car's own pace; median and
///    spread, separately for stops whose in-lap ended under caution.
/// 6. **Caution rate**: per race, the lap-by-lap majority flag: caution starts per green lap, mean length.
/// 7. **Forgetting and prior strength**: the pair from `forgettingGrid` × `priorScaleGrid` (a factor on the
///    slope's prior spread) with the lowest mean absolute relative error of the 1…5-lap forecasts over the
///    same races (origins not under caution); then the 10th/90th percentiles of the relative forecast errors per
///    horizon give the 80 % intervals.
public struct PaceTrainer: Sendable {
    public var forgettingGrid: [Double] = [0.7, 0.8, 0.85, 0.9, 0.95, 1.0]
    /// Factors on the measured spread of per-stint slopes: below 1 trusts the shared trend more.
    public var priorScaleGrid: [Double] = [0.25, 1]
    public var horizons = 5

    public init() {}

    public func train(races: [HistoricalRace]) -> PaceModel {
        let stints = races.flatMap(PaceTrainer.cleanStints)
        let trend = PaceTrainer.trendFit(stints)
        let share = PaceTrainer.tyreShare(races: races)
        let stops = races.flatMap(PaceTrainer.pitLosses)
        let green = stops.filter { !$0.underCaution }.map(\.loss)
        let caution = stops.filter(\.underCaution).map(\.loss)
        let cautions = PaceTrainer.cautionRate(races: races)
        let placeholder = PaceModel.HorizonQuantiles(horizon: 1, q10: 0, q90: 0, count: 0)
        var model = PaceModel(
            trainedOn: races.map(\.name), cleanLaps: trend.laps, forgetting: 1, trendPerLap: trend.slope,
            trendPriorSD: trend.slopeSD, tyreShare: share, restartPenalty: PaceTrainer.restartPenalty(races: races),
            noiseScale: trend.noise, pitLoss: Statistics.median(green) ?? 0.25,
            pitLossSD: Statistics.robustSD(green) ?? 0.05, cautionPitLoss: Statistics.median(caution),
            pitStops: green.count, cautionPitStops: caution.count, quantiles: [placeholder],
            restartQuantiles: placeholder, cautionStartRate: cautions.rate, cautionLength: cautions.length)

        // Forgetting and prior strength: the lowest mean relative error of the 1…n-lap forecasts.
        let scoring = ForecastScoring(firstOrigin: 3, horizons: horizons)
        var best = (error: Double.infinity, forgetting: 1.0, priorSD: trend.slopeSD)
        for forgetting in forgettingGrid {
            for scale in priorScaleGrid {
                model.forgetting = forgetting
                model.trendPriorSD = trend.slopeSD * scale
                let errors = races.flatMap { scoring.outcomes(race: $0, model: model) }.filter { !$0.afterCaution }
                    .map { abs($0.actualMs - $0.forecast.meanMs) / $0.forecast.meanMs }
                let error = errors.reduce(0, +) / Double(max(1, errors.count))
                if error < best.error { best = (error, forgetting, model.trendPriorSD) }
            }
        }
        model.forgetting = best.forgetting
        model.trendPriorSD = best.priorSD

        // Interval quantiles of the relative forecast errors, per horizon and for restart laps.
        let outcomes = races.flatMap { scoring.outcomes(race: $0, model: model) }
        func quantiles(_ horizon: Int, _ errors: [Double], fallback: Double) -> PaceModel.HorizonQuantiles {
            let sorted = errors.sorted()
            return PaceModel.HorizonQuantiles(
                horizon: horizon, q10: Statistics.quantile(sorted, 0.1) ?? -fallback,
                q90: Statistics.quantile(sorted, 0.9) ?? fallback, count: sorted.count)
        }
        model.quantiles = (1...horizons).map { horizon in
            let green = outcomes.filter { $0.horizon == horizon && !$0.afterCaution && $0.forecast.scaleMs > 0 }
            return quantiles(
                horizon, green.map { ($0.actualMs - $0.forecast.meanMs) / $0.forecast.scaleMs }, fallback: 1.3)
        }
        let restarts = outcomes.filter { $0.horizon == 1 && $0.afterCaution }
        model.restartQuantiles = quantiles(
            1, restarts.map { ($0.actualMs - $0.forecast.meanMs) / $0.forecast.meanMs }, fallback: 0.05)
        model.trendSplit = PaceTrainer.trendSplit(races: races)
        return model
    }

    // MARK: - Clean laps and trend

    /// One stint's clean laps: tyre age and lap time as a fraction of the stint's median (minus 1).
    struct Stint {
        var ages: [Double]
        var relative: [Double]
    }

    static func isStop(_ lap: LapRecord) -> Bool { lap.pitIn || (lap.pitTimeMs ?? 0) > 0 }

    static func cleanStints(_ race: HistoricalRace) -> [Stint] {
        var stints: [Stint] = []
        for laps in race.carsInOrder {
            var current: [(age: Int, time: Double)] = []
            var stintStart = 1
            var previous: LapRecord?
            func close() {
                let median = Statistics.median(current.map(\.time)) ?? 0
                let kept = current.filter { $0.time <= median * 1.07 }
                if kept.count >= 3 {
                    stints.append(Stint(ages: kept.map { Double($0.age) }, relative: kept.map { $0.time / median - 1 }))
                }
                current = []
            }
            for lap in laps {
                defer { previous = lap }
                if isStop(lap) {
                    close()
                    stintStart = lap.pitIn ? lap.lap + 1 : lap.lap
                    continue
                }
                let restart = previous.map { $0.lap == lap.lap - 1 && $0.flag == "FCY" } ?? false
                guard lap.isGreen, lap.lap > 1, !restart, lap.lap > stintStart || stintStart == 1,
                    let time = lap.lapTimeMs
                else { continue }
                current.append((lap.lap - stintStart, Double(time)))
            }
            close()
        }
        return stints
    }

    static func trendFit(_ stints: [Stint]) -> (slope: Double, slopeSD: Double, noise: Double, laps: Int) {
        var sxy = 0.0
        var sxx = 0.0
        var slopes: [Double] = []
        for stint in stints {
            let meanX = stint.ages.reduce(0, +) / Double(stint.ages.count)
            let meanY = stint.relative.reduce(0, +) / Double(stint.relative.count)
            var ownXY = 0.0
            var ownXX = 0.0
            for (x, y) in zip(stint.ages, stint.relative) {
                ownXY += (x - meanX) * (y - meanY)
                ownXX += (x - meanX) * (x - meanX)
            }
            sxy += ownXY
            sxx += ownXX
            if stint.ages.count >= 8, ownXX > 0 { slopes.append(ownXY / ownXX) }
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        var residuals: [Double] = []
        for stint in stints {
            let meanX = stint.ages.reduce(0, +) / Double(stint.ages.count)
            let meanY = stint.relative.reduce(0, +) / Double(stint.relative.count)
            for (x, y) in zip(stint.ages, stint.relative) { residuals.append(y - meanY - slope * (x - meanX)) }
        }
        let laps = stints.reduce(0) { $0 + $1.ages.count }
        return (
            slope, max(Statistics.robustSD(slopes) ?? 0.002, 1e-4), max(Statistics.robustSD(residuals) ?? 0.01, 1e-4),
            laps
        )
    }

    // MARK: - Tyre share

    static func tyreShare(races: [HistoricalRace]) -> Double {
        // Per car (all its stints), demeaned race lap and tyre age against relative lap time.
        var a11 = 0.0
        var a12 = 0.0
        var a22 = 0.0
        var c1 = 0.0
        var c2 = 0.0
        var carsWithStop = 0
        for race in races {
            for laps in race.carsInOrder {
                var rows: [(lap: Double, age: Double, time: Double)] = []
                var stintStart = 1
                var previous: LapRecord?
                var stopped = false
                for lap in laps {
                    defer { previous = lap }
                    if isStop(lap) {
                        stintStart = lap.pitIn ? lap.lap + 1 : lap.lap
                        stopped = true
                        continue
                    }
                    let restart = previous.map { $0.lap == lap.lap - 1 && $0.flag == "FCY" } ?? false
                    guard lap.isGreen, lap.lap > 1, !restart, lap.lap > stintStart || stintStart == 1,
                        let time = lap.lapTimeMs
                    else { continue }
                    rows.append((Double(lap.lap), Double(lap.lap - stintStart), Double(time)))
                }
                guard stopped, rows.count >= 6, let median = Statistics.median(rows.map(\.time)) else { continue }
                rows = rows.filter { $0.time <= median * 1.07 }
                guard rows.count >= 6 else { continue }
                carsWithStop += 1
                let n = Double(rows.count)
                let meanLap = rows.map(\.lap).reduce(0, +) / n
                let meanAge = rows.map(\.age).reduce(0, +) / n
                let meanY = rows.map { $0.time / median - 1 }.reduce(0, +) / n
                for row in rows {
                    let x1 = row.lap - meanLap
                    let x2 = row.age - meanAge
                    let y = row.time / median - 1 - meanY
                    a11 += x1 * x1
                    a12 += x1 * x2
                    a22 += x2 * x2
                    c1 += x1 * y
                    c2 += x2 * y
                }
            }
        }
        let determinant = a11 * a22 - a12 * a12
        guard carsWithStop >= 5, a11 > 0, a22 > 0, a12 * a12 / (a11 * a22) < 0.99, determinant > 0 else { return 1 }
        let lapSlope = (a22 * c1 - a12 * c2) / determinant
        let ageSlope = (a11 * c2 - a12 * c1) / determinant
        guard lapSlope + ageSlope > 0 else { return 1 }
        return min(1, max(0, ageSlope / (lapSlope + ageSlope)))
    }

    // MARK: - Field-wide race-lap term and tyre-age term

    /// `TrendSplit`: pooled least squares over every car, each with its own intercept, of relative lap time on race
    /// lap and tyre age; cluster-robust (by car) standard errors. Nil without any usable car.
    static func trendSplit(races: [HistoricalRace]) -> TrendSplit? {
        struct Car {
            var x1: [Double]
            var x2: [Double]
            var y: [Double]
        }
        var cars: [Car] = []
        var carsWithStop = 0
        for race in races {
            for key in race.cars.keys.sorted() {
                guard let laps = race.cars[key] else { continue }
                var rows: [(lap: Double, age: Double, time: Double)] = []
                var stintStart = 1
                var previous: LapRecord?
                var stopped = false
                for lap in laps {
                    defer { previous = lap }
                    if isStop(lap) {
                        stintStart = lap.pitIn ? lap.lap + 1 : lap.lap
                        stopped = true
                        continue
                    }
                    let restart = previous.map { $0.lap == lap.lap - 1 && $0.flag == "FCY" } ?? false
                    guard lap.isGreen, lap.lap > 1, !restart, lap.lap > stintStart || stintStart == 1,
                        let time = lap.lapTimeMs
                    else { continue }
                    rows.append((Double(lap.lap), Double(lap.lap - stintStart), Double(time)))
                }
                guard let median = Statistics.median(rows.map(\.time)) else { continue }
                rows = rows.filter { $0.time <= median * 1.07 }
                guard rows.count >= 4 else { continue }
                let n = Double(rows.count)
                let meanLap = rows.map(\.lap).reduce(0, +) / n
                let meanAge = rows.map(\.age).reduce(0, +) / n
                let meanY = rows.map { $0.time / median - 1 }.reduce(0, +) / n
                cars.append(
                    Car(
                        x1: rows.map { $0.lap - meanLap }, x2: rows.map { $0.age - meanAge },
                        y: rows.map { $0.time / median - 1 - meanY }))
                if stopped { carsWithStop += 1 }
            }
        }
        var (a11, a12, a22, c1, c2) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for car in cars {
            for i in car.y.indices {
                a11 += car.x1[i] * car.x1[i]
                a12 += car.x1[i] * car.x2[i]
                a22 += car.x2[i] * car.x2[i]
                c1 += car.x1[i] * car.y[i]
                c2 += car.x2[i] * car.y[i]
            }
        }
        let determinant = a11 * a22 - a12 * a12
        guard !cars.isEmpty, a11 > 0, a22 > 0 else { return nil }
        let correlation = a12 / (a11 * a22).squareRoot()
        let laps = cars.reduce(0) { $0 + $1.y.count }
        guard determinant > 1e-9 * a11 * a22 else {
            return TrendSplit(
                raceLapPerLap: c1 / a11, raceLapSE: .infinity, tyreAgePerLap: 0, tyreAgeSE: .infinity,
                correlation: correlation, cars: cars.count, carsWithStop: carsWithStop, laps: laps)
        }
        // (X'X)⁻¹
        let i11 = a22 / determinant
        let i12 = -a12 / determinant
        let i22 = a11 / determinant
        let raceLap = i11 * c1 + i12 * c2
        let tyreAge = i12 * c1 + i22 * c2
        // Cluster-robust middle: Σ over cars of (Σ x·e)(Σ x·e)ᵀ.
        var (m11, m12, m22) = (0.0, 0.0, 0.0)
        for car in cars {
            var s1 = 0.0
            var s2 = 0.0
            for i in car.y.indices {
                let residual = car.y[i] - raceLap * car.x1[i] - tyreAge * car.x2[i]
                s1 += car.x1[i] * residual
                s2 += car.x2[i] * residual
            }
            m11 += s1 * s1
            m12 += s1 * s2
            m22 += s2 * s2
        }
        // V = A⁻¹ M A⁻¹
        let v11 = i11 * (m11 * i11 + m12 * i12) + i12 * (m12 * i11 + m22 * i12)
        let v22 = i12 * (m11 * i12 + m12 * i22) + i22 * (m12 * i12 + m22 * i22)
        return TrendSplit(
            raceLapPerLap: raceLap, raceLapSE: max(0, v11).squareRoot(), tyreAgePerLap: tyreAge,
            tyreAgeSE: max(0, v22).squareRoot(), correlation: correlation, cars: cars.count,
            carsWithStop: carsWithStop, laps: laps)
    }

    // MARK: - Restarts, stops, cautions

    static func restartPenalty(races: [HistoricalRace]) -> Double {
        var excess: [Double] = []
        for race in races {
            for laps in race.carsInOrder {
                guard
                    let median = Statistics.median(
                        laps.filter { $0.isGreen && $0.lap > 1 }.compactMap(\.lapTimeMs).map(Double.init))
                else { continue }
                for (previous, lap) in zip(laps, laps.dropFirst())
                where previous.flag == "FCY" && previous.lap == lap.lap - 1 && lap.isGreen && lap.lap > 1 {
                    if let time = lap.lapTimeMs { excess.append(Double(time) / median - 1) }
                }
            }
        }
        return Statistics.median(excess) ?? 0
    }

    /// One measured stop: time lost as a fraction of the car's green lap, and whether its in-lap ended
    /// under caution.
    struct PitLoss {
        var loss: Double
        var underCaution: Bool
    }

    static func pitLosses(_ race: HistoricalRace) -> [PitLoss] {
        // The field's median per lap number, and its median green lap.
        var byLap: [Int: [Double]] = [:]
        for laps in race.carsInOrder {
            for lap in laps where !isStop(lap) {
                if let time = lap.lapTimeMs { byLap[lap.lap, default: []].append(Double(time)) }
            }
        }
        let fieldByLap = byLap.compactMapValues { Statistics.median($0) }
        let fieldGreen = Statistics.median(
            race.laps.filter { $0.isGreen && $0.lap > 1 }.compactMap(\.lapTimeMs).map(Double.init))

        var losses: [PitLoss] = []
        for laps in race.carsInOrder {
            let green = laps.filter { $0.isGreen && $0.lap > 1 }.compactMap(\.lapTimeMs).map(Double.init)
            guard let own = Statistics.median(green), let fieldGreen, fieldGreen > 0 else { continue }
            let pace = own / fieldGreen
            let byNumber = Dictionary(laps.map { ($0.lap, $0) }, uniquingKeysWith: { first, _ in first })
            for lap in laps where (lap.pitTimeMs ?? 0) > 0 && lap.lap > 1 {
                guard let out = lap.lapTimeMs, let outReference = fieldByLap[lap.lap] else { continue }
                var loss = Double(out) - outReference * pace
                var underCaution = lap.flag == "FCY"
                if let inLap = byNumber[lap.lap - 1], inLap.pitIn, let inTime = inLap.lapTimeMs,
                    let inReference = fieldByLap[inLap.lap]
                {
                    loss += Double(inTime) - inReference * pace
                    underCaution = inLap.flag == "FCY"
                }
                let relative = loss / own
                if relative > 0, relative < 3 { losses.append(PitLoss(loss: relative, underCaution: underCaution)) }
            }
        }
        return losses
    }

    static func cautionRate(races: [HistoricalRace]) -> (rate: Double, length: Double) {
        var starts = 0
        var greenLaps = 0
        var cautionLaps = 0
        for race in races {
            var flags: [Int: [String]] = [:]
            for lap in race.laps { flags[lap.lap, default: []].append(lap.flag) }
            var previous = "GF"
            for lapNumber in flags.keys.sorted() where lapNumber > 1 {
                let values = flags[lapNumber] ?? []
                let caution = values.filter { $0 == "FCY" }.count * 2 > values.count
                if caution {
                    cautionLaps += 1
                    if previous != "FCY" { starts += 1 }
                    previous = "FCY"
                } else {
                    greenLaps += 1
                    previous = "GF"
                }
            }
        }
        return (Double(starts) / Double(max(1, greenLaps)), Double(cautionLaps) / Double(max(1, starts)))
    }
}
