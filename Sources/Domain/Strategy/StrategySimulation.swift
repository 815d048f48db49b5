/// The 15-minute job (`simulation.RunBatch`): a Monte Carlo of the rest of the race for every car and strategy
/// option, from the pace model.
///
/// 1. The laps so far go through `LiveStrategy` (one `StintPaceFilter` per car); each car still running gets its
///    forecast for every remaining lap (`RaceSimulation.cars`).
/// 2. Options: every car with a pit window (`PitWindow.plan(filter:…)`, the pit loss measured in this race or the
///    model's) stops at its best lap — the one of largest expected gain, positive or not (when no stop pays it is
///    the least costly one) — losing the pit loss (the caution loss when that in-lap runs under caution), and runs
///    every later lap faster by its tyre slope × the age difference, as the window assumes.
/// 3. `RaceSimulation.run`: `runs` races with no stops, and each option on the same draws (`runs` each), with
///    cautions, close-up and restarts when `events`.
/// The result: each car's distribution of finishing positions without a stop (`cars`, in running order) and with
/// its stop (`options`). The same laps and seed give the same counts; `runsPerSecond` is left for the caller, who
/// owns a clock. When `shouldStop` says yes the batch holds the runs completed (`iterations` < `runs`).
public enum StrategySimulation {
    /// At least this many runs per option: the 10,000 per job is met by every option on its own.
    public static let defaultRuns = 10_000

    public static func run(
        laps: [LapRecord], raceLaps: Int, model: PaceModel, runs: Int, seed: UInt64, nowMs: Int64, events: Bool = true,
        shouldStop: (() -> Bool)? = nil
    ) -> SimulationBatch {
        var live = LiveStrategy(model: model)
        live.update(laps: laps)
        let filters = live.filters
        let cars = raceLaps > 0 ? RaceSimulation.cars(filters: filters, raceLaps: raceLaps) : []
        let measured = live.measuredPitLoss

        var options: [RaceSimulation.Option] = []
        var gains: [Double] = []
        for (index, car) in cars.enumerated() {
            guard let filter = filters[car.key], let slope = filter.slope(),
                let reference = filter.referenceMs ?? filter.lastGreenMs,
                let window = PitWindow.plan(
                    filter: filter, raceLaps: raceLaps, measuredPitLossMs: measured.map { $0.fraction * reference }),
                let best = window.leastCostly
            else { continue }
            let ageGain = Double(filter.tyreAge + best.lap - car.lapsCompleted + 1)
            options.append(
                RaceSimulation.Option(
                    car: index, stopLap: best.lap, lossMs: window.pitLossMs, cautionLossMs: window.cautionPitLossMs,
                    lapGainMs: model.tyreShare * slope.msPerLap * ageGain))
            gains.append(best.expectedGainMs)
        }
        guard !cars.isEmpty else {
            // Nothing to simulate yet (no car with a green lap and laps left): no races, not `runs` races of no car.
            return SimulationBatch(
                computedMs: nowMs, iterations: runs, seed: seed, lapsRemaining: 0, cars: [], model: model.version)
        }
        let simulation = RaceSimulation(model: model, events: events)
        let outcome = simulation.run(cars: cars, options: options, runs: runs, seed: seed, shouldStop: shouldStop)
        let runs = outcome.runs

        // Running order now: most laps, then the earlier crossing.
        let order = cars.indices.sorted {
            (cars[$1].lapsCompleted, cars[$0].elapsedMs, cars[$0].key) < (
                cars[$0].lapsCompleted, cars[$1].elapsedMs, cars[$1].key
            )
        }
        let laps = live.laps
        func identity(_ key: String) -> (vehicleID: String, carNumber: Int?) {
            let last = laps[key]?.last
            return (last?.vehicleID ?? "", last?.carNumber)
        }
        func share(_ counts: [Int], _ places: Int) -> Double {
            Double(counts.prefix(places).reduce(0, +)) / Double(max(1, runs))
        }
        let projections = order.enumerated().map { position, index in
            let car = identity(cars[index].key)
            return FinishProjection(
                vehicleID: car.vehicleID, carNumber: car.carNumber, currentPosition: position + 1,
                expectedPosition: outcome.meanPosition(index), winProbability: share(outcome.counts[index], 1),
                podiumProbability: share(outcome.counts[index], 3), positionCounts: outcome.counts[index])
        }
        let outcomes = options.enumerated().map { number, option in
            let car = identity(cars[option.car].key)
            return StrategyOutcome(
                vehicleID: car.vehicleID, carNumber: car.carNumber, pitLap: option.stopLap, pitLossMs: option.lossMs,
                expectedGainMs: gains[number], expectedPosition: outcome.meanPosition(option: number),
                winProbability: share(outcome.optionCounts[number], 1),
                podiumProbability: share(outcome.optionCounts[number], 3), positionCounts: outcome.optionCounts[number])
        }
        let leader = order.first.map { cars[$0].lapsCompleted } ?? raceLaps
        return SimulationBatch(
            computedMs: nowMs, iterations: runs, seed: seed, lapsRemaining: max(0, raceLaps - leader),
            cars: projections,
            options: outcomes, racesSimulated: runs * (1 + options.count), runsPerSecond: 0, model: model.version)
    }
}
