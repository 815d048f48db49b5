import Foundation
import Testing

@testable import RaceDomain

@Suite("Pace model")
struct PaceModelTests {
    /// A model with chosen priors; the defaults switch the prior, forgetting and robust weights off.
    static func model(
        forgetting: Double = 1, trendPerLap: Double = 0, trendPriorSD: Double = 1e6, noiseScale: Double = 0.006,
        huberK: Double = 1e9, outlierK: Double = 1e9, restartPenalty: Double = 0.3
    ) -> PaceModel {
        PaceModel(
            trainedOn: ["test"], cleanLaps: 0, forgetting: forgetting, trendPerLap: trendPerLap,
            trendPriorSD: trendPriorSD, tyreShare: 1, restartPenalty: restartPenalty, noiseScale: noiseScale,
            huberK: huberK, outlierK: outlierK, pitLoss: 0.25, pitLossSD: 0.05, cautionPitLoss: 0.1, pitStops: 0,
            cautionPitStops: 0,
            quantiles: [PaceModel.HorizonQuantiles(horizon: 1, q10: -1.6, q90: 3.2, count: 1)],
            restartQuantiles: PaceModel.HorizonQuantiles(horizon: 1, q10: -0.1, q90: 0.1, count: 1),
            cautionStartRate: 0.05, cautionLength: 2)
    }

    static func lap(_ number: Int, _ ms: Int64, flag: String = "GF", pitIn: Bool = false, pitTime: Int64? = nil)
        -> LapRecord
    {
        LapRecord(
            vehicleID: "car", carNumber: 7, lap: number, lapTimeMs: ms, crossedMs: 0, flag: flag, pitIn: pitIn,
            pitTimeMs: pitTime, source: .analysis)
    }

    /// Ordinary least squares slope of y on x, written out here independently of the library.
    static func olsSlope(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        let sxy = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let sxx = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
        return sxy / sxx
    }

    static func barber(_ race: Int) throws -> HistoricalRace {
        try HistoricalRace.load(directory: TestData.trd("barber"), race: race, ledger: RowIssueLedger())
    }

    @Test("fits each car's slope on barber R2 as a direct least-squares regression on the same laps does")
    func perCarSlopesMatchDirectRegression() throws {
        let race = try Self.barber(2)
        var compared = 0
        var slowing = 0
        for (key, laps) in race.cars where !laps.contains(where: { $0.pitIn || ($0.pitTimeMs ?? 0) > 0 }) {
            // The laps a strategist would call clean: green, not lap 1, not after a caution lap.
            let clean = laps.enumerated().filter { index, lap in
                lap.flag == "GF" && lap.lap > 1 && (index == 0 || laps[index - 1].flag != "FCY")
            }.map(\.element)
            guard clean.count >= 8 else { continue }
            let expected = Self.olsSlope(clean.map { Double($0.lap) }, clean.map { Double($0.lapTimeMs ?? 0) })

            var filter = StintPaceFilter(model: Self.model())
            var fittedLaps: [Int] = []
            for lap in laps { if case .fitted = filter.update(lap) { fittedLaps.append(lap.lap) } }
            #expect(fittedLaps == clean.map(\.lap), "car \(key)")
            let slope = try #require(filter.slope()).msPerLap
            #expect(abs(slope - expected) < 1e-6 * max(1, abs(expected)), "car \(key): \(slope) vs \(expected)")
            #expect((slope > 0) == (expected > 0))
            compared += 1
            if expected > 0 { slowing += 1 }
        }
        #expect(compared == 15 && slowing == 12)
        // Barber R2 ran without a caution: most cars' tyres wore faster than fuel burned off (12 of the 15 cars compared slowed).
        #expect(slowing > compared / 2)
    }

    @Test("trains the shared trend that a pooled within-stint regression of barber R2 gives")
    func trainedTrendMatchesPooledRegression() throws {
        let race = try Self.barber(2)
        let model = PaceTrainer().train(races: [race])

        // Independent: per car and stint, green laps (not lap 1, not the out-lap), within 107 % of the
        // stint median, as fractions of that median; one slope for all stints, each with its own mean.
        var sxy = 0.0
        var sxx = 0.0
        for laps in race.cars.values {
            var stints: [[(age: Double, ms: Double)]] = [[]]
            var start = 1
            for lap in laps {
                if lap.pitIn || (lap.pitTimeMs ?? 0) > 0 {
                    stints.append([])
                    start = lap.pitIn ? lap.lap + 1 : lap.lap
                    continue
                }
                guard lap.flag == "GF", lap.lap > 1, lap.lap > start || start == 1, let ms = lap.lapTimeMs else {
                    continue
                }
                stints[stints.count - 1].append((Double(lap.lap - start), Double(ms)))
            }
            for stint in stints {
                let sorted = stint.map(\.ms).sorted()
                guard !sorted.isEmpty else { continue }
                let median =
                    sorted.count % 2 == 1
                    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
                let kept = stint.filter { $0.ms <= median * 1.07 }
                guard kept.count >= 3 else { continue }
                let mx = kept.map(\.age).reduce(0, +) / Double(kept.count)
                let my = kept.map { $0.ms / median - 1 }.reduce(0, +) / Double(kept.count)
                for point in kept {
                    sxy += (point.age - mx) * (point.ms / median - 1 - my)
                    sxx += (point.age - mx) * (point.age - mx)
                }
            }
        }
        let expected = sxy / sxx
        #expect(abs(model.trendPerLap - expected) < 1e-12)
        #expect(model.trendPerLap > 0 && model.trendPerLap < 0.005)  // slower by under 0.5 % a lap
        #expect(model.noiseScale > 0.001 && model.noiseScale < 0.05)
    }

    @Test("online update with forgetting, prior and robust weights equals the batch fit on the same laps")
    func onlineMatchesBatch() throws {
        let race = try Self.barber(1)  // has a caution, so restarts and outliers occur
        let model = Self.model(
            forgetting: 0.85, trendPerLap: -0.0003, trendPriorSD: 0.0007, huberK: 1.345, outlierK: 5)
        var checked = 0
        for laps in race.cars.values {
            var filter = StintPaceFilter(model: model)
            for lap in laps {
                filter.update(lap)
                guard let online = filter.coefficients(), let reference = filter.referenceMs,
                    filter.stintStartLap == 1
                else { continue }

                // Batch: Σ λ^(n−1−i) wᵢ xᵢxᵢᵀ and Σ λ^(n−1−i) wᵢ xᵢ yᵢ with x = [1, age], plus the slope prior
                // (precision (noise / sd)², mean trend · reference) discounted by λ^n; solved by Cramer's rule.
                let points = filter.points
                let n = points.count
                var a = (0.0, 0.0, 0.0)
                var b = (0.0, 0.0)
                for (index, point) in points.enumerated() {
                    let w = point.weight * pow(0.85, Double(n - 1 - index))
                    a.0 += w
                    a.1 += w * point.age
                    a.2 += w * point.age * point.age
                    b.0 += w * point.timeMs
                    b.1 += w * point.age * point.timeMs
                }
                let precision = pow(0.006 / 0.0007, 2) * pow(0.85, Double(n))
                a.2 += precision
                b.1 += precision * (-0.0003 * reference)
                let determinant = a.0 * a.2 - a.1 * a.1
                let level = (a.2 * b.0 - a.1 * b.1) / determinant
                let slope = (a.0 * b.1 - a.1 * b.0) / determinant
                #expect(abs(online.level - level) <= 1e-9 * abs(level))
                #expect(abs(online.slope - slope) <= 1e-9 * max(1, abs(level)))
                checked += 1
            }
        }
        #expect(checked > 300)
    }

    @Test("leaves out cautions, the start, restarts, pit laps and a traffic lap; weights a moderate one")
    func lapUse() {
        var filter = StintPaceFilter(model: Self.model(noiseScale: 0.005, huberK: 1.345, outlierK: 5))
        #expect(filter.update(Self.lap(1, 110_000)) == .raceStart)
        for number in 2...6 { #expect(filter.update(Self.lap(number, 100_000)) == .fitted(weight: 1)) }
        // 100 000 · 0.005 = 500 ms noise scale: 1 000 ms over is 2 scales → Huber weight 1.345 / 2.
        #expect(filter.update(Self.lap(7, 101_000)) == .fitted(weight: 1.345 * 500 / 1_000))
        #expect(filter.update(Self.lap(8, 104_000)) == .outlier)  // 8 scales: traffic
        #expect(filter.update(Self.lap(9, 130_000, flag: "FCY")) == .notGreen)
        #expect(filter.update(Self.lap(10, 125_000)) == .restart)
        // Lap 7 tilted the slope up, so 100 s is now more than 1.345 scales under the forecast: down-weighted.
        let weight: Double? = if case .fitted(let w) = filter.update(Self.lap(11, 100_000)) { w } else { nil }
        #expect(weight.map { $0 > 0.5 && $0 < 1 } == true)
        #expect(filter.update(Self.lap(12, 120_000, pitIn: true)) == .pitStop)
        #expect(filter.update(Self.lap(13, 125_000, pitTime: 30_000)) == .pitStop)
        #expect(filter.stintStartLap == 13 && filter.fittedLaps == 0)
        #expect(filter.update(Self.lap(14, 99_500)) == .fitted(weight: 1))
        #expect(filter.tyreAge == 1)
    }

    @Test("forecasts the restart lap after a caution slower, with the restart interval")
    func restartForecast() throws {
        var filter = StintPaceFilter(model: Self.model(restartPenalty: 0.3))
        for number in 1...6 { filter.update(Self.lap(number, 100_000)) }
        let green = try #require(filter.forecast(horizon: 1))
        // Interval scale: the model's noise 0.6 % of the 100 s reference (600 ms) against the car's own spread (0:
        // every residual is 0) over the n = 2 residuals recorded (laps 5 and 6, once 3 laps were fitted), prior
        // weight 5 laps: √(5 · 600² / 7) = 507.093 ms. Green quantiles −1.6 and +3.2 scales: 99 188.65 … 101 622.70.
        #expect(abs(green.scaleMs - 507.0929) < 1e-3)
        #expect(abs(green.meanMs - 100_000) < 1e-6 && abs(green.lowMs - 99_188.651) < 1e-2)
        #expect(abs(green.highMs - 101_622.697) < 1e-2 && green.lap == 7 && green.fitted)
        filter.update(Self.lap(7, 140_000, flag: "FCY"))
        let restart = try #require(filter.forecast(horizon: 1))
        #expect(abs(restart.meanMs - 130_000) < 1e-6 && abs(restart.lowMs - 117_000) < 1e-6)
        let later = try #require(filter.forecast(horizon: 2))
        #expect(abs(later.meanMs - 100_000) < 1e-6)
    }

    @Test("pit window on a constructed case: best stop at lap 15, window 11–24, wider under a caution")
    func pitWindowKnownOptimum() throws {
        // t = 10 laps done on tyres aged a_t = 9 (stint from lap 1), R = 30, s = 200 ms/lap, loss 25 s:
        // gain(p) = 200 · (9 + p − 10 + 1) · (30 − p) − 25 000 = 200 · p · (30 − p) − 25 000.
        // p = 15 maximises p(30 − p) = 225 → 45 000 − 25 000 = 20 000 ms.
        // gain > 0 ⇔ p(30 − p) > 125 ⇔ 5 < p < 25; the first option is p = t + 1 = 11 → window 11…24
        // (p = 25: 125 → gain 0, not a gain). p = 11: 200 · 11 · 19 − 25 000 = 16 800.
        // Under a caution (loss 10 s): p(30 − p) > 50 → p ≤ 28 (28 · 2 = 56 → 1 200 ms) → window 11…28.
        // Interval at p = 15 with se 20 ms/lap, sd(loss) 2 s: 1.2816 · √((15 · 15 · 20)² + 2000²)
        // = 1.2816 · √(20 250 000 + 4 000 000) = 1.2816 · 4924.43 = 6311.15.
        let window = PitWindow.plan(
            lapsCompleted: 10, raceLaps: 30, tyreAge: 9, tyreSlopeMs: 200, tyreSlopeSE: 20, pitLossMs: 25_000,
            pitLossSD: 2_000, cautionPitLossMs: 10_000)
        let best = try #require(window.best)
        #expect(best.lap == 15 && abs(best.expectedGainMs - 20_000) < 1e-9)
        #expect(abs(best.highMs - best.expectedGainMs - 6311.15) < 0.01)
        #expect(window.window == 11...24)
        #expect(window.options.first.map { abs($0.expectedGainMs - 16_800) < 1e-9 } == true)
        #expect(window.options.map(\.lap) == Array(11...29))
        #expect(window.windowUnderCaution == 11...28)
        #expect(window.bestUnderCaution.map { $0.lap == 15 && abs($0.expectedGainMs - 35_000) < 1e-9 } == true)
        let late = try #require(window.cautionOptions.first { $0.lap == 28 })
        #expect(abs(late.expectedGainMs - 1_200) < 1e-9)

        // Tyres that do not wear: no stop pays.
        let flat = PitWindow.plan(
            lapsCompleted: 10, raceLaps: 30, tyreAge: 9, tyreSlopeMs: 0, tyreSlopeSE: 0, pitLossMs: 25_000,
            pitLossSD: 0, cautionPitLossMs: nil)
        #expect(flat.best == nil && flat.window == nil && flat.cautionOptions.isEmpty)
    }

    @Test("writes and loads a model file with its version; refuses another format version naming the field")
    func modelFile() throws {
        let model = Self.model(forgetting: 0.9)
        let url = try TestData.temporaryFile("pace.json", "")
        try model.write(to: url.path)
        let loaded = try PaceModel.load(url.path)
        #expect(loaded == model)
        #expect(loaded.version == "pace-rls v2 (1 races, 0 clean laps)")

        let text = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 99")
        let future = try TestData.temporaryFile("future.json", text)
        #expect(throws: TRDError(code: .badModel, reason: "", file: future.path, field: "formatVersion")) {
            try PaceModel.load(future.path)
        }
        let junk = try TestData.temporaryFile("junk.json", "{\"name\": \"other\"}")
        #expect(throws: TRDError(code: .badModel, reason: "", file: junk.path)) { try PaceModel.load(junk.path) }
        #expect(throws: TRDError(code: .fileMissing, reason: "", file: "/nonexistent/pace.json")) {
            try PaceModel.load("/nonexistent/pace.json")
        }
    }
}
