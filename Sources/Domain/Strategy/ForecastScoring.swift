/// Runs `StintPaceFilter` over finished races lap by lap and compares each forecast with what happened:
/// the engine of both training (interval quantiles, forgetting) and `PaceEvaluation`.
///
/// For every car and every origin lap t ≥ `firstOrigin`, the filter has seen laps 1…t only; it forecasts
/// laps t+1…t+`horizons`. A target counts only when it was run under green (`LapRecord.isGreen`).
/// The two naive baselines use the same origin: the last lap's time, and the mean of the last 3 laps.
struct ForecastScoring {
    /// One forecast against its outcome.
    struct Outcome {
        var horizon: Int
        var actualMs: Double
        var forecast: PaceForecast
        var lastLapMs: Double
        var meanOfLast3Ms: Double
        /// Stricter baselines: the last green lap (not lap 1, not a restart), and the mean of the last 3 such laps.
        var lastGreenMs: Double?
        var meanOfLast3GreenMs: Double?
        /// The origin lap was a caution lap (the target is the restart lap when horizon is 1).
        var afterCaution: Bool
    }

    var firstOrigin = 5
    var horizons = 5

    func outcomes(race: HistoricalRace, model: PaceModel) -> [Outcome] {
        var outcomes: [Outcome] = []
        for key in race.cars.keys.sorted() {
            guard let laps = race.cars[key] else { continue }
            let byLap = Dictionary(laps.map { ($0.lap, $0) }, uniquingKeysWith: { first, _ in first })
            var filter = StintPaceFilter(model: model)
            var green: [Double] = []
            for (index, lap) in laps.enumerated() {
                // Green racing laps (fitted or outliers) feed the stricter baselines.
                switch filter.update(lap) {
                case .fitted, .outlier: green.append(Double(lap.lapTimeMs ?? 0))
                default: break
                }
                guard lap.lap >= firstOrigin, let last = lap.lapTimeMs else { continue }
                let recent = laps[max(0, index - 2)...index].compactMap(\.lapTimeMs)
                let meanOfLast3 = Double(recent.reduce(0, +)) / Double(recent.count)
                for horizon in 1...horizons {
                    guard let target = byLap[lap.lap + horizon], target.isGreen, let actual = target.lapTimeMs,
                        let forecast = filter.forecast(horizon: horizon)
                    else { continue }
                    outcomes.append(
                        Outcome(
                            horizon: horizon, actualMs: Double(actual), forecast: forecast, lastLapMs: Double(last),
                            meanOfLast3Ms: meanOfLast3, lastGreenMs: green.last,
                            meanOfLast3GreenMs: green.isEmpty
                                ? nil : green.suffix(3).reduce(0, +) / Double(green.suffix(3).count),
                            afterCaution: lap.flag == "FCY"))
                }
            }
        }
        return outcomes
    }
}
