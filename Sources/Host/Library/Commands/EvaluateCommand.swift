import Foundation
import RaceDomain

/// `roadsense evaluate DIR…`: leave-one-race-out evaluation of the pace model over the races in the
/// directories, printed as a Markdown table (per race and overall) with the targets checked.
struct EvaluateCommand {
    var directories: [URL]

    static func parse(_ cursor: inout ArgumentCursor) throws -> EvaluateCommand {
        var directories: [URL] = []
        while let argument = cursor.next() {
            guard !argument.hasPrefix("-") else { throw HostError(.usage, "unknown option '\(argument)' for evaluate") }
            directories.append(URL(fileURLWithPath: argument, isDirectory: true))
        }
        guard !directories.isEmpty else {
            throw HostError(.usage, "evaluate needs race directories: roadsense evaluate DIR…")
        }
        return EvaluateCommand(directories: directories)
    }

    func execute() throws -> Int32 {
        let races: [HistoricalRace]
        do {
            races = try HistoricalRace.loadAll(directories: directories, ledger: RowIssueLedger())
        } catch let error as TRDError {
            throw HostError(.badInput, error.description)
        }
        guard races.count >= 2 else {
            throw HostError(.badInput, "evaluate needs at least 2 races to leave one out, found \(races.count)")
        }
        let evaluation = PaceEvaluation.leaveOneRaceOut(races: races)
        print(evaluation.markdown())
        print()
        print("Stricter baselines (green racing laps only), next 5 laps:")
        print()
        print(evaluation.strictMarkdown())
        print()
        print("Calibration, next 5 laps, with and without the restart laps of cautions that came after the origin:")
        print()
        print(evaluation.calibrationMarkdown())
        print()
        let five = evaluation.overallNextFive
        let greenOrigin = evaluation.overallNextFiveGreenOrigin
        let mae = String(format: "%+.1f %%", five.change * 100)
        let cover = String(format: "%.1f %%", five.coverage * 100)
        let maeTarget = five.change <= -0.15 ? "met" : "NOT met"
        let coverTarget = (0.75...0.85).contains(five.coverage) ? "met" : "NOT met"
        print("next-5-laps MAE vs the better baseline: \(mae) (target ≤ −15 %: \(maeTarget))")
        print("80 % interval coverage, next 5 laps: \(cover) (target 75–85 %: \(coverTarget))")
        let inRange = evaluation.rows.filter { (0.75...0.85).contains($0.nextFive.coverage) }
        let beating = evaluation.rows.filter { $0.nextFive.change <= -0.15 }
        let deviation =
            evaluation.rows.map { abs($0.nextFive.coverage - 0.8) }.reduce(0, +) / Double(max(1, evaluation.rows.count))
        print(
            "races with next-5 coverage in 75–85 %: \(inRange.count) of \(evaluation.rows.count) (mean distance from "
                + String(format: "80 %%: %.1f points", deviation * 100) + "); races with next-5 MAE ≥ 15 % under the "
                + "better baseline: \(beating.count) of \(evaluation.rows.count)")
        print(
            String(
                format: "origin not a caution lap: %+.1f %% vs the better baseline, %+.1f %% vs the better green-lap"
                    + " baseline, coverage %.1f %%",
                greenOrigin.change * 100, greenOrigin.strictChange * 100, greenOrigin.coverage * 100))
        print()
        simulate(races)
        return 0
    }

    /// The 15-minute job (`StrategySimulation`, 10,000 runs per option: no stop, and each car's stop at its best
    /// pit-window lap) once per race as it stood when the leader completed half distance, seed 1, with a model trained
    /// on all the races (in-sample): races simulated per second, and how far the no-stop mean finishing positions are
    /// from the result (cars still running then).
    private func simulate(_ races: [HistoricalRace]) {
        let model = PaceTrainer().train(races: races)
        let runs = StrategySimulation.defaultRuns
        print(
            "Simulation job from half distance, \(runs) runs per option, seed 1, cautions on (model trained on all races):"
        )
        print()
        print(
            "| race | cars | laps left | stop options | races simulated | races/s | mean abs(expected − actual position) "
                + "| same for the order at half distance | stops losing places on average |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        var totalRaces = 0
        var totalSeconds = 0.0
        for race in races {
            // The race as it stood when the leader completed half distance: every lap crossed by then (race time).
            let half = race.raceLaps / 2
            guard let cut = race.laps.filter({ $0.lap == half }).compactMap(\.elapsedMs).min() else { continue }
            let laps = race.laps.filter { ($0.elapsedMs ?? .max) <= cut }
            let clock = ContinuousClock()
            var batch: SimulationBatch?
            let elapsed = clock.measure {
                batch = StrategySimulation.run(
                    laps: laps, raceLaps: race.raceLaps, model: model, runs: runs, seed: 1, nowMs: 0)
            }
            guard let batch else { continue }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            totalRaces += batch.racesSimulated
            totalSeconds += seconds

            // The result: most laps first, then the earlier last crossing (then the key, so ties always fall the same
            // way); the cars the batch simulated.
            let key = { (vehicleID: String, number: Int?) in CarKey.of(vehicleID: vehicleID, carNumber: number) }
            let simulated = Set(batch.cars.map { key($0.vehicleID, $0.carNumber) })
            let finish = race.cars.keys.filter { simulated.contains($0) }.sorted { a, b in
                let lastA = race.cars[a]?.last
                let lastB = race.cars[b]?.last
                return (lastA?.lap ?? 0, -(lastA?.elapsedMs ?? 0), b) > (lastB?.lap ?? 0, -(lastB?.elapsedMs ?? 0), a)
            }
            let place = Dictionary(uniqueKeysWithValues: finish.enumerated().map { ($1, $0 + 1) })
            var error = 0.0
            var currentError = 0.0
            for car in batch.cars {
                let actual = Double(place[key(car.vehicleID, car.carNumber)] ?? 0)
                error += abs(car.expectedPosition - actual)
                currentError += abs(Double(car.currentPosition) - actual)
            }
            let count = Double(max(1, batch.cars.count))
            let noStop = Dictionary(batch.cars.map { (key($0.vehicleID, $0.carNumber), $0.expectedPosition) }) { a, _ in
                a
            }
            let losing = batch.options.filter { $0.expectedPosition > (noStop[key($0.vehicleID, $0.carNumber)] ?? 0) }
            print(
                "| \(race.name) | \(batch.cars.count) | \(batch.lapsRemaining) | \(batch.options.count) | "
                    + "\(batch.racesSimulated) | \(String(format: "%.0f", Double(batch.racesSimulated) / seconds)) | "
                    + "\(String(format: "%.2f", error / count)) | \(String(format: "%.2f", currentError / count)) | "
                    + "\(losing.count) |")
        }
        print()
        print(
            String(
                format: "simulation job: %d races in %.2f s, %.0f races/s", totalRaces, totalSeconds,
                Double(totalRaces) / totalSeconds))
    }
}
