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
        /// The target is a restart lap (the car's lap before it ran under FCY) that the origin could not foresee:
        /// the caution came after the origin lap.
        var unforeseenRestart = false
    }

    var firstOrigin = 5
    var horizons = 5

    /// The race is played in crossing order over all cars (race time of each lap; a lap without one goes a lap time
    /// after the car's previous one), so a forecast's interval scale uses the field's spread as of its origin
    /// (`StintPaceFilter.fieldSpread`) and nothing later.
    func outcomes(race: HistoricalRace, model: PaceModel) -> [Outcome] {
        var events: [(time: Int64, key: String, index: Int)] = []
        for key in race.cars.keys.sorted() {
            var time: Int64 = 0
            for (index, lap) in (race.cars[key] ?? []).enumerated() {
                time = lap.elapsedMs ?? (time + max(1, lap.lapTimeMs ?? 1))
                events.append((time, key, index))
            }
        }
        events.sort { ($0.time, $0.key, $0.index) < ($1.time, $1.key, $1.index) }
        var filters: [String: StintPaceFilter] = [:]
        var green: [String: [Double]] = [:]
        var byLap: [String: [Int: LapRecord]] = [:]
        for (key, laps) in race.cars {
            byLap[key] = Dictionary(laps.map { ($0.lap, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var outcomes: [Outcome] = []
        for event in events {
            guard let laps = race.cars[event.key] else { continue }
            let lap = laps[event.index]
            var filter = filters[event.key] ?? StintPaceFilter(model: model)
            // Green racing laps (fitted or outliers) feed the stricter baselines.
            switch filter.update(lap) {
            case .fitted, .outlier: green[event.key, default: []].append(Double(lap.lapTimeMs ?? 0))
            default: break
            }
            filters[event.key] = filter
            guard lap.lap >= firstOrigin, let last = lap.lapTimeMs else { continue }
            let recent = laps[max(0, event.index - 2)...event.index].compactMap(\.lapTimeMs)
            let meanOfLast3 = Double(recent.reduce(0, +)) / Double(recent.count)
            let spread = StintPaceFilter.fieldSpread(filters.values)
            let carGreen = green[event.key] ?? []
            for horizon in 1...horizons {
                guard let target = byLap[event.key]?[lap.lap + horizon], target.isGreen, let actual = target.lapTimeMs,
                    let forecast = filter.forecast(horizon: horizon, fieldSpread: spread)
                else { continue }
                outcomes.append(
                    Outcome(
                        horizon: horizon, actualMs: Double(actual), forecast: forecast, lastLapMs: Double(last),
                        meanOfLast3Ms: meanOfLast3, lastGreenMs: carGreen.last,
                        meanOfLast3GreenMs: carGreen.isEmpty
                            ? nil : carGreen.suffix(3).reduce(0, +) / Double(carGreen.suffix(3).count),
                        afterCaution: lap.flag == "FCY",
                        unforeseenRestart: horizon > 1 && byLap[event.key]?[target.lap - 1]?.flag == "FCY"))
            }
        }
        return outcomes
    }
}
