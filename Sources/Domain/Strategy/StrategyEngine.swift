import Foundation

/// Linear tyre-degradation model per car, with a pit window.
///
/// For each car (grouped by vehicle id, else car number):
/// 1. **Stint**: laps after the car's last pit lap (`pitIn` or a `PIT_TIME`).
/// 2. **Clean laps**: `LapRecord.isGreen`, not lap 1, not the stint's out-lap, and within 107 % of
///    the median of the stint's green laps.
/// 3. **Fit**: least-squares lap time vs lap number → slope (ms/lap) and its standard error
///    `sqrt(SSR / (n − 2) / Σ(x − x̄)²)` (nil under 3 clean laps).
/// 4. **Next lap**: fit at the next lap number (under 2 clean laps: the stint median, else the last lap).
/// 5. **Pit window**: stopping at the end of lap p (lapsCompleted < p < raceLaps) pays off when
///    Σ_{k=p+1..R} fit(k) − Σ_{j=0..R−p−1} (bestClean + slope·j) > pitLoss, i.e. fresh tyres
///    restart at the car's best clean lap and degrade at the same slope. The window is the first
///    and last such p; nil when none (or slope ≤ 0, or no laps remain).
/// 6. **Confidence** = countFactor × precision, where countFactor = min(1, n / 8) and
///    precision = 1 / (1 + stderr / max(|slope|, 20 ms)); 0.1 × countFactor when stderr is nil.
public struct StrategyEngine: Sendable {
    /// Time lost by a stop when no measurement exists: GR Cup pit lane drive-through plus stop,
    /// the barber R1 measurements (`measuredPitLossMs`) come to ~25–27 s; 30 s is a round, cautious value.
    public static let defaultPitLossMs: Int64 = 30_000

    public var pitLossMs: Int64
    public var model: String

    public init(pitLossMs: Int64 = StrategyEngine.defaultPitLossMs, model: String = "linear-stint v1") {
        self.pitLossMs = pitLossMs
        self.model = model
    }

    /// One prediction per car seen in `laps`, sorted by car key.
    public func predict(laps: [LapRecord], raceLaps: Int, nowMs: Int64) -> [StrategyPrediction] {
        let byCar = Dictionary(grouping: laps, by: StrategyEngine.carKey)
        return byCar.keys.sorted().compactMap { key in
            guard let carLaps = byCar[key] else { return nil }
            return predictCar(carLaps.sorted { $0.lap < $1.lap }, raceLaps: raceLaps, nowMs: nowMs)
        }
    }

    /// Median over pit stops of (in-lap − median green) + (out-lap − median green), for stops that
    /// have a `PIT_TIME`; the in-lap is the lap before the one carrying PIT_TIME when that lap was
    /// flagged `pitIn`. Nil when no lap has a PIT_TIME.
    public static func measuredPitLossMs(laps: [LapRecord]) -> Int64? {
        var losses: [Int64] = []
        for carLaps in Dictionary(grouping: laps, by: carKey).values {
            let green = carLaps.filter(\.isGreen).compactMap(\.lapTimeMs)
            guard let reference = median(green) else { continue }
            let byLap = Dictionary(carLaps.map { ($0.lap, $0) }, uniquingKeysWith: { first, _ in first })
            for lap in carLaps where (lap.pitTimeMs ?? 0) > 0 {
                guard let outTime = lap.lapTimeMs else { continue }
                var loss = outTime - reference
                if let inLap = byLap[lap.lap - 1], inLap.pitIn, let inTime = inLap.lapTimeMs {
                    loss += inTime - reference
                }
                if loss > 0 { losses.append(loss) }
            }
        }
        return median(losses)
    }

    // MARK: - One car

    private func predictCar(_ laps: [LapRecord], raceLaps: Int, nowMs: Int64) -> StrategyPrediction? {
        guard let last = laps.last else { return nil }
        let lapsCompleted = last.lap
        let lapsRemaining = max(0, raceLaps - lapsCompleted)

        // Stint and clean laps.
        let lastPitLap = laps.filter { $0.pitIn || ($0.pitTimeMs ?? 0) > 0 }.map(\.lap).max() ?? 0
        let stint = laps.filter { $0.lap > lastPitLap }
        let stintFirstLap = stint.first?.lap ?? 0
        let green = stint.filter { $0.isGreen && $0.lap > 1 && !(lastPitLap > 0 && $0.lap == stintFirstLap) }
        let stintMedian = StrategyEngine.median(green.compactMap(\.lapTimeMs))
        let clean = green.filter { lap in
            guard let time = lap.lapTimeMs, let stintMedian else { return false }
            return Double(time) <= Double(stintMedian) * 1.07
        }
        let points = clean.compactMap { lap in lap.lapTimeMs.map { (x: Double(lap.lap), y: Double($0)) } }
        let fit = StrategyEngine.linearFit(points)
        let slope = fit?.slope ?? 0
        let nextLap = Double(lapsCompleted + 1)

        // Next lap and pit window.
        let predicted: Double
        if let fit {
            predicted = fit.intercept + fit.slope * nextLap
        } else if let stintMedian {
            predicted = Double(stintMedian)
        } else {
            predicted = Double(last.lapTimeMs ?? 0)
        }
        var window: (open: Int, close: Int)?
        if let fit, fit.slope > 0, let best = points.map(\.y).min(), lapsRemaining > 1 {
            for stopLap in (lapsCompleted + 1)..<raceLaps {
                let remaining = raceLaps - stopLap
                var gain = 0.0
                for offset in 0..<remaining {
                    let oldTyres = fit.intercept + fit.slope * Double(stopLap + 1 + offset)
                    gain += oldTyres - (best + fit.slope * Double(offset))
                }
                if gain > Double(pitLossMs) {
                    window = (window?.open ?? stopLap, stopLap)
                }
            }
        }

        // Confidence from clean-lap count and relative standard error.
        let countFactor = min(1.0, Double(points.count) / 8.0)
        let confidence: Double
        if let stderr = fit?.stderr {
            confidence = countFactor / (1.0 + stderr / max(abs(slope), 20.0))
        } else {
            confidence = 0.1 * countFactor
        }

        let windowText = window.map { "pit window laps \($0.open)–\($0.close)" } ?? "no stop pays off"
        let slopeText = String(format: "%+.0f", slope)
        let stderrText = fit?.stderr.map { String(format: " ± %.0f", $0) } ?? ""
        let nextText = String(format: "%.3f", predicted / 1000)
        let lossText = String(format: "%.1f", Double(pitLossMs) / 1000)
        let fitText = "\(points.count) clean laps in stint from lap \(stintFirstLap): \(slopeText)\(stderrText) ms/lap"
        let rationale = "\(fitText), next lap \(nextText) s; \(windowText) (pit loss \(lossText) s)"
        return StrategyPrediction(
            vehicleID: last.vehicleID, carNumber: last.carNumber, computedMs: nowMs, lapsCompleted: lapsCompleted,
            lapsRemaining: lapsRemaining, degradationMsPerLap: slope, degradationStderr: fit?.stderr,
            predictedNextLapMs: predicted, pitWindowOpenLap: window?.open, pitWindowCloseLap: window?.close,
            confidence: max(0, min(1, confidence)), cleanLaps: points.count, model: model, rationale: rationale)
    }

    // MARK: - Helpers

    /// Least-squares line through `points`; nil under 2 points or when all x are equal.
    /// `stderr` is the slope's standard error, nil under 3 points.
    public static func linearFit(_ points: [(x: Double, y: Double)]) -> (
        slope: Double, intercept: Double, stderr: Double?
    )? {
        let n = Double(points.count)
        guard points.count >= 2 else { return nil }
        let meanX = points.map(\.x).reduce(0, +) / n
        let meanY = points.map(\.y).reduce(0, +) / n
        let sxx = points.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        let sxy = points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +)
        let slope = sxy / sxx
        let intercept = meanY - slope * meanX
        guard points.count >= 3 else { return (slope, intercept, nil) }
        var ssr = 0.0
        for point in points {
            let residual = point.y - (intercept + slope * point.x)
            ssr += residual * residual
        }
        return (slope, intercept, (ssr / (n - 2) / sxx).squareRoot())
    }

    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func carKey(_ lap: LapRecord) -> String {
        lap.vehicleID.isEmpty ? "#\(lap.carNumber.map(String.init) ?? "?")" : lap.vehicleID
    }
}
