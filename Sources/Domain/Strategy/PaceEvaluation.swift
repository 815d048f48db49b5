import Foundation

/// Leave-one-race-out evaluation of the pace model against two naive baselines.
///
/// For each race, the model is trained (`PaceTrainer`) on every other race, then run lap by lap over the
/// held-out race (`ForecastScoring`: from lap 5 on, every car, forecasts of the next lap and of each of
/// the next 5 laps from data up to that lap). Scored on green-flag target laps only: mean absolute error
/// of the model, of the last lap's time, and of the mean of the last 3 laps; and how often the actual lap
/// fell inside the model's 80 % interval.
public struct PaceEvaluation: Sendable {
    /// Absolute errors and interval hits for one set of forecasts.
    public struct Score: Sendable, Equatable {
        public var count = 0
        public var modelErrorMs = 0.0
        public var lastLapErrorMs = 0.0
        public var meanOfLast3ErrorMs = 0.0
        public var covered = 0
        /// Forecasts that also have the stricter baselines (a green lap before the origin), and their errors.
        public var strictCount = 0
        public var strictModelErrorMs = 0.0
        public var lastGreenErrorMs = 0.0
        public var meanOfLast3GreenErrorMs = 0.0

        public var modelMAE: Double { modelErrorMs / Double(max(1, count)) }
        public var lastLapMAE: Double { lastLapErrorMs / Double(max(1, count)) }
        public var meanOfLast3MAE: Double { meanOfLast3ErrorMs / Double(max(1, count)) }
        /// Model MAE relative to the better baseline: −0.2 = 20 % lower.
        public var change: Double { modelMAE / min(lastLapMAE, meanOfLast3MAE) - 1 }
        public var coverage: Double { Double(covered) / Double(max(1, count)) }
        public var strictModelMAE: Double { strictModelErrorMs / Double(max(1, strictCount)) }
        public var lastGreenMAE: Double { lastGreenErrorMs / Double(max(1, strictCount)) }
        public var meanOfLast3GreenMAE: Double { meanOfLast3GreenErrorMs / Double(max(1, strictCount)) }
        /// Model MAE relative to the better stricter baseline.
        public var strictChange: Double { strictModelMAE / min(lastGreenMAE, meanOfLast3GreenMAE) - 1 }

        mutating func add(_ outcome: ForecastScoring.Outcome) {
            count += 1
            modelErrorMs += abs(outcome.actualMs - outcome.forecast.meanMs)
            lastLapErrorMs += abs(outcome.actualMs - outcome.lastLapMs)
            meanOfLast3ErrorMs += abs(outcome.actualMs - outcome.meanOfLast3Ms)
            if outcome.actualMs >= outcome.forecast.lowMs && outcome.actualMs <= outcome.forecast.highMs {
                covered += 1
            }
            if let lastGreen = outcome.lastGreenMs, let meanGreen = outcome.meanOfLast3GreenMs {
                strictCount += 1
                strictModelErrorMs += abs(outcome.actualMs - outcome.forecast.meanMs)
                lastGreenErrorMs += abs(outcome.actualMs - lastGreen)
                meanOfLast3GreenErrorMs += abs(outcome.actualMs - meanGreen)
            }
        }

        static func + (lhs: Score, rhs: Score) -> Score {
            Score(
                count: lhs.count + rhs.count, modelErrorMs: lhs.modelErrorMs + rhs.modelErrorMs,
                lastLapErrorMs: lhs.lastLapErrorMs + rhs.lastLapErrorMs,
                meanOfLast3ErrorMs: lhs.meanOfLast3ErrorMs + rhs.meanOfLast3ErrorMs, covered: lhs.covered + rhs.covered,
                strictCount: lhs.strictCount + rhs.strictCount,
                strictModelErrorMs: lhs.strictModelErrorMs + rhs.strictModelErrorMs,
                lastGreenErrorMs: lhs.lastGreenErrorMs + rhs.lastGreenErrorMs,
                meanOfLast3GreenErrorMs: lhs.meanOfLast3GreenErrorMs + rhs.meanOfLast3GreenErrorMs)
        }
    }

    /// One held-out race.
    public struct RaceRow: Sendable {
        public var name: String
        public var cars: Int
        /// The model trained without this race (its version line says on how many races).
        public var modelVersion: String
        public var forgetting: Double
        public var nextLap: Score
        public var nextFive: Score
        /// Next-5-lap forecasts whose origin is not a caution lap (restart laps excluded).
        public var nextFiveGreenOrigin: Score
        /// Next-5-lap forecasts without the restart laps of cautions that came after the origin.
        public var nextFiveForeseeable: Score
    }

    public var rows: [RaceRow]

    public var overallNextLap: Score { rows.map(\.nextLap).reduce(Score(), +) }
    public var overallNextFive: Score { rows.map(\.nextFive).reduce(Score(), +) }
    public var overallNextFiveGreenOrigin: Score { rows.map(\.nextFiveGreenOrigin).reduce(Score(), +) }
    public var overallNextFiveForeseeable: Score { rows.map(\.nextFiveForeseeable).reduce(Score(), +) }

    /// Leave-one-race-out over `races` (at least 2).
    public static func leaveOneRaceOut(races: [HistoricalRace], trainer: PaceTrainer = PaceTrainer()) -> PaceEvaluation
    {
        var rows: [RaceRow] = []
        let scoring = ForecastScoring(firstOrigin: 5, horizons: 5)
        for (index, race) in races.enumerated() {
            var training = races
            training.remove(at: index)
            let model = trainer.train(races: training)
            var nextLap = Score()
            var nextFive = Score()
            var greenOrigin = Score()
            var foreseeable = Score()
            for outcome in scoring.outcomes(race: race, model: model) {
                if outcome.horizon == 1 { nextLap.add(outcome) }
                nextFive.add(outcome)
                if !outcome.afterCaution { greenOrigin.add(outcome) }
                if !outcome.unforeseenRestart { foreseeable.add(outcome) }
            }
            rows.append(
                RaceRow(
                    name: race.name, cars: race.cars.count, modelVersion: model.version, forgetting: model.forgetting,
                    nextLap: nextLap, nextFive: nextFive, nextFiveGreenOrigin: greenOrigin,
                    nextFiveForeseeable: foreseeable))
        }
        return PaceEvaluation(rows: rows)
    }

    /// A Markdown table: per race and overall, MAE in seconds of the model and both baselines for the
    /// next lap and the next 5 laps, the change against the better baseline, and 80 % interval coverage.
    public func markdown() -> String {
        func s(_ ms: Double) -> String { String(format: "%.3f", ms / 1000) }
        func pct(_ value: Double) -> String { String(format: "%+.1f %%", value * 100) }
        func cov(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
        var lines = [
            "| race | cars | next-lap n | model | last lap | mean of 3 | change | 80 % cover"
                + " | next-5 n | model | last lap | mean of 3 | change | 80 % cover |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        func row(_ name: String, _ cars: String, _ one: Score, _ five: Score) -> String {
            "| \(name) | \(cars) | \(one.count) | \(s(one.modelMAE)) | \(s(one.lastLapMAE)) | \(s(one.meanOfLast3MAE))"
                + " | \(pct(one.change)) | \(cov(one.coverage)) | \(five.count) | \(s(five.modelMAE))"
                + " | \(s(five.lastLapMAE)) | \(s(five.meanOfLast3MAE)) | \(pct(five.change)) | \(cov(five.coverage)) |"
        }
        for race in rows { lines.append(row(race.name, "\(race.cars)", race.nextLap, race.nextFive)) }
        lines.append(row("**all races**", "\(rows.reduce(0) { $0 + $1.cars })", overallNextLap, overallNextFive))
        return lines.joined(separator: "\n")
    }

    /// Next-5-lap coverage per race, with and without the restart laps of cautions that came after the origin
    /// (a forecast cannot know of them), and how many such targets there were.
    public func calibrationMarkdown() -> String {
        func cov(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
        var lines = [
            "| race | next-5 n | 80 % cover | unforeseen restart laps | their cover | n without them | cover without them |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        func row(_ name: String, _ all: Score, _ kept: Score) -> String {
            let restarts = all.count - kept.count
            let restartCover =
                restarts > 0 ? cov(Double(all.covered - kept.covered) / Double(restarts)) : "–"
            return "| \(name) | \(all.count) | \(cov(all.coverage)) | \(restarts) | \(restartCover) | \(kept.count)"
                + " | \(cov(kept.coverage)) |"
        }
        for race in rows { lines.append(row(race.name, race.nextFive, race.nextFiveForeseeable)) }
        lines.append(row("**all races**", overallNextFive, overallNextFiveForeseeable))
        return lines.joined(separator: "\n")
    }

    /// The same next-5-lap forecasts against the stricter baselines (last green racing lap; mean of the last
    /// 3), split by whether the origin lap was a caution lap (then the next lap is the restart lap).
    public func strictMarkdown() -> String {
        func s(_ ms: Double) -> String { String(format: "%.3f", ms / 1000) }
        func pct(_ value: Double) -> String { String(format: "%+.1f %%", value * 100) }
        var lines = [
            "| race | next-5 n | model | last green | mean of 3 green | change | green-origin n | model"
                + " | last green | mean of 3 green | change |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        func row(_ name: String, _ all: Score, _ green: Score) -> String {
            "| \(name) | \(all.strictCount) | \(s(all.strictModelMAE)) | \(s(all.lastGreenMAE))"
                + " | \(s(all.meanOfLast3GreenMAE)) | \(pct(all.strictChange)) | \(green.strictCount)"
                + " | \(s(green.strictModelMAE)) | \(s(green.lastGreenMAE)) | \(s(green.meanOfLast3GreenMAE))"
                + " | \(pct(green.strictChange)) |"
        }
        for race in rows { lines.append(row(race.name, race.nextFive, race.nextFiveGreenOrigin)) }
        lines.append(row("**all races**", overallNextFive, overallNextFiveGreenOrigin))
        return lines.joined(separator: "\n")
    }
}
