/// The strategy plugin's state for one race: one `StintPaceFilter` per car, fed online as laps arrive, and the
/// predictions made from them.
///
/// `update(laps:)` takes every lap so far (the request of `strategy.UpdatePredictions`); per car (`CarKey`) it keeps
/// the laps already fed, in lap order, and feeds only the new ones. When a car's laps are not the ones fed plus
/// more (a lap corrected, another race), its filter starts again from its first lap, so the predictions are always
/// those of a filter that saw exactly the request's laps in order — a retried or repeated call gives the same
/// answer. Laps come from one source: the analysis file's when any are present, else the feed's `lap_end` laps;
/// of two laps with the same number the first in crossing order counts.
public struct LiveStrategy: Sendable {
    /// One car's filter and the laps it has seen.
    struct Track: Sendable {
        var filter: StintPaceFilter
        var fed: [LapRecord]
    }

    /// How many laps ahead the predictions forecast.
    public static let forecastLaps = 5

    public let model: PaceModel
    private var tracks: [String: Track] = [:]
    /// Laps fed into the filters since this value was made (a car started again counts its laps again).
    public private(set) var lapsFed = 0
    /// Cars whose filter had to start again from their first lap.
    public private(set) var restarts = 0

    public init(model: PaceModel) { self.model = model }

    /// Each car's filter, by car key.
    public var filters: [String: StintPaceFilter] { tracks.mapValues(\.filter) }

    /// Each car's laps as fed, in lap order, by car key.
    public var laps: [String: [LapRecord]] { tracks.mapValues(\.fed) }

    /// Feeds the laps not yet seen to their cars' filters.
    public mutating func update(laps: [LapRecord]) {
        for (key, carLaps) in LiveStrategy.byCar(laps) {
            if var track = tracks[key], track.fed.count <= carLaps.count,
                Array(carLaps.prefix(track.fed.count)) == track.fed
            {
                for lap in carLaps.dropFirst(track.fed.count) { track.filter.update(lap) }
                lapsFed += carLaps.count - track.fed.count
                track.fed = carLaps
                tracks[key] = track
            } else {
                if tracks[key] != nil { restarts += 1 }
                var filter = StintPaceFilter(model: model)
                for lap in carLaps { filter.update(lap) }
                lapsFed += carLaps.count
                tracks[key] = Track(filter: filter, fed: carLaps)
            }
        }
    }

    /// Laps by car key: one source, lap order, the first lap of each number.
    static func byCar(_ laps: [LapRecord]) -> [String: [LapRecord]] {
        let preferred = laps.contains { $0.source == .analysis } ? LapRecord.Source.analysis : .lapEnd
        let ordered = laps.filter { $0.source == preferred }.sorted { ($0.crossedMs, $0.lap) < ($1.crossedMs, $1.lap) }
        var cars: [String: [LapRecord]] = [:]
        var seen: [String: Set<Int>] = [:]
        for lap in ordered {
            let key = CarKey.of(vehicleID: lap.vehicleID, carNumber: lap.carNumber)
            guard seen[key, default: []].insert(lap.lap).inserted else { continue }
            cars[key, default: []].append(lap)
        }
        return cars.mapValues { $0.sorted { $0.lap < $1.lap } }
    }

    // MARK: - Pit loss measured in this race

    /// The median green pit-stop loss measured so far in this race (in-lap + out-lap over what the car would have
    /// run, as `PaceTrainer` measures it), as a fraction of the car's green lap, and the stops it is measured on.
    public var measuredPitLoss: (fraction: Double, stops: Int)? {
        let race = HistoricalRace(name: "live", cars: tracks.mapValues(\.fed))
        let green = PaceTrainer.pitLosses(race).filter { !$0.underCaution }.map(\.loss)
        guard let median = Statistics.median(green) else { return nil }
        return (median, green.count)
    }

    // MARK: - Predictions

    /// One prediction per car with at least one lap time, by car key. `raceLaps` 0 = unknown: no pit window and no
    /// laps remaining.
    public func predictions(raceLaps: Int, nowMs: Int64) -> [StrategyPrediction] {
        let measured = measuredPitLoss
        let spread = StintPaceFilter.fieldSpread(tracks.values.map(\.filter))
        return tracks.keys.sorted().compactMap { key in
            guard let track = tracks[key] else { return nil }
            return LiveStrategy.prediction(
                filter: track.filter, raceLaps: raceLaps, nowMs: nowMs, measuredPitLoss: measured, fieldSpread: spread)
        }
    }

    /// The prediction for one car from its filter.
    ///
    /// - degradation: the tyre part of the stint slope, `tyreShare · slope`, and its standard error;
    /// - forecasts of the next laps (at most `forecastLaps`, none past `raceLaps`) with their 80 % intervals, scaled by
    ///   the field's spread in the race so far (`StintPaceFilter.fieldSpread` over every car);
    /// - the pit window (`PitWindow.plan(filter:…)`) with the pit loss measured in this race, scaled to the car's lap,
    ///   or the model's; under green and under a caution;
    /// - confidence = min(1, fitted laps / 8) / (1 + standard error / max(|slope|, 20 ms)).
    static func prediction(
        filter: StintPaceFilter, raceLaps: Int, nowMs: Int64, measuredPitLoss: (fraction: Double, stops: Int)?,
        fieldSpread: Double?
    ) -> StrategyPrediction? {
        guard let last = filter.lastLap, let next = filter.forecast(horizon: 1, fieldSpread: fieldSpread) else {
            return nil
        }
        let model = filter.model
        let lapsRemaining = raceLaps > 0 ? max(0, raceLaps - last.lap) : 0
        let horizons = raceLaps > 0 ? min(forecastLaps, lapsRemaining) : forecastLaps
        let forecasts =
            horizons > 0
            ? (1...horizons).compactMap {
                filter.forecast(horizon: $0, fieldSpread: fieldSpread).map(LapForecast.init)
            } : []
        let slope = filter.slope()
        let tyreSlope = slope.map { model.tyreShare * $0.msPerLap } ?? 0
        let tyreSE = slope.map { model.tyreShare * $0.standardError }
        let reference = filter.referenceMs ?? filter.lastGreenMs
        let measuredMs = measuredPitLoss.flatMap { loss in reference.map { loss.fraction * $0 } }
        let window =
            raceLaps > 0 ? PitWindow.plan(filter: filter, raceLaps: raceLaps, measuredPitLossMs: measuredMs) : nil
        let countFactor = min(1, Double(filter.fittedLaps) / 8)
        let confidence = tyreSE.map { countFactor / (1 + $0 / max(abs(tyreSlope), 20)) } ?? 0.1 * countFactor
        let pitLoss = window?.pitLossMs ?? measuredMs ?? reference.map { model.pitLoss * $0 }
        let stops = measuredMs == nil ? 0 : measuredPitLoss?.stops ?? 0

        let rationale = LiveStrategy.rationale(
            filter: filter, tyreSlope: tyreSlope, tyreSE: tyreSE, next: next, window: window, pitLossMs: pitLoss,
            stops: stops)
        return StrategyPrediction(
            vehicleID: last.vehicleID, carNumber: last.carNumber, computedMs: nowMs, lapsCompleted: last.lap,
            lapsRemaining: lapsRemaining, degradationMsPerLap: tyreSlope, degradationStderr: tyreSE,
            predictedNextLapMs: next.meanMs, pitWindowOpenLap: window?.window?.lowerBound,
            pitWindowCloseLap: window?.window?.upperBound, confidence: max(0, min(1, confidence)),
            cleanLaps: filter.fittedLaps, model: model.version, rationale: rationale, nextLapLowMs: next.lowMs,
            nextLapHighMs: next.highMs, forecasts: forecasts, tyreAgeLaps: filter.tyreAge, pitLossMs: pitLoss,
            pitLossStops: stops,
            cautionPitLossMs: window?.cautionPitLossMs
                ?? reference.flatMap { reference in
                    model.cautionPitLoss.map { $0 * reference }
                }, bestStop: window?.leastCostly, bestStopUnderCaution: window?.leastCostlyUnderCaution,
            cautionWindowOpenLap: window?.windowUnderCaution?.lowerBound,
            cautionWindowCloseLap: window?.windowUnderCaution?.upperBound)
    }

    /// `12 laps fitted in the stint from lap 9 (tyres 13 laps old): +45 ± 20 ms/lap; next lap 1:38.402 (80 %
    /// 1:37.811–1:39.105); pit loss 57.2 s (measured, 2 stops): no stop pays under green (best L20 −40.1 s); under
    /// caution L18–L24 (best L20 +5.2 s)`.
    static func rationale(
        filter: StintPaceFilter, tyreSlope: Double, tyreSE: Double?, next: PaceForecast, window: PitWindow?,
        pitLossMs: Double?, stops: Int
    ) -> String {
        func seconds(_ ms: Double) -> String { String(format: "%+.1f s", ms / 1000) }
        var parts = [
            "\(filter.fittedLaps) laps fitted in the stint from lap \(filter.stintStartLap) (tyres \(filter.tyreAge) "
                + "laps old): "
                + (tyreSE.map { String(format: "%+.0f ± %.0f ms/lap", tyreSlope, $0) } ?? "no slope yet"),
            "next lap \(AlertRules.lapText(Int64(next.meanMs.rounded()))) (80 % "
                + "\(AlertRules.lapText(Int64(next.lowMs.rounded())))–\(AlertRules.lapText(Int64(next.highMs.rounded()))))",
        ]
        if let window, let pitLossMs {
            let source = stops > 0 ? "measured, \(stops) stop\(stops == 1 ? "" : "s")" : "model"
            var text = String(format: "pit loss %.1f s (%@): ", pitLossMs / 1000, source)
            if let range = window.window, let best = window.best {
                text +=
                    "window L\(range.lowerBound)–L\(range.upperBound) (best L\(best.lap) \(seconds(best.expectedGainMs)))"
            } else if let least = window.leastCostly {
                text += "no stop pays under green (best L\(least.lap) \(seconds(least.expectedGainMs)))"
            } else {
                text += "no laps left for a stop"
            }
            if let range = window.windowUnderCaution, let best = window.bestUnderCaution {
                text +=
                    "; under caution L\(range.lowerBound)–L\(range.upperBound) (best L\(best.lap) "
                    + "\(seconds(best.expectedGainMs)))"
            } else if window.cautionPitLossMs != nil {
                text += "; under caution no stop pays either"
            }
            parts.append(text)
        }
        return parts.joined(separator: "; ")
    }
}
