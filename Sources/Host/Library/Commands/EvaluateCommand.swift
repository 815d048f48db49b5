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
        let five = evaluation.overallNextFive
        let greenOrigin = evaluation.overallNextFiveGreenOrigin
        let mae = String(format: "%+.1f %%", five.change * 100)
        let cover = String(format: "%.1f %%", five.coverage * 100)
        let maeTarget = five.change <= -0.15 ? "met" : "NOT met"
        let coverTarget = (0.75...0.85).contains(five.coverage) ? "met" : "NOT met"
        print("next-5-laps MAE vs the better baseline: \(mae) (target ≤ −15 %: \(maeTarget))")
        print("80 % interval coverage, next 5 laps: \(cover) (target 75–85 %: \(coverTarget))")
        print(
            String(
                format: "origin not a caution lap: %+.1f %% vs the better baseline, %+.1f %% vs the better green-lap"
                    + " baseline, coverage %.1f %%",
                greenOrigin.change * 100, greenOrigin.strictChange * 100, greenOrigin.coverage * 100))
        print()
        simulate(races)
        return 0
    }

    /// One seeded 10,000-run simulation per race from half distance, with cautions, using a model trained on
    /// all the races (in-sample): runs per second, and how far the mean finishing positions are from the result.
    private func simulate(_ races: [HistoricalRace]) {
        let model = PaceTrainer().train(races: races)
        let simulation = RaceSimulation(model: model, events: true)
        let runs = 10_000
        print("Simulation from half distance, \(runs) runs per race, seed 1, cautions on (model trained on all races):")
        print()
        print(
            "| race | cars | laps left | runs/s | mean abs(expected − actual position) | same for the order at half distance |"
        )
        print("|---|--:|--:|--:|--:|--:|")
        var totalRuns = 0
        var totalSeconds = 0.0
        for race in races {
            let half = race.raceLaps / 2
            var filters: [String: StintPaceFilter] = [:]
            for (key, laps) in race.cars where (laps.last?.lap ?? 0) > half {
                var filter = StintPaceFilter(model: model)
                for lap in laps where lap.lap <= half { filter.update(lap) }
                filters[key] = filter
            }
            let cars = RaceSimulation.cars(filters: filters, raceLaps: race.raceLaps)
            let clock = ContinuousClock()
            var outcome: RaceSimulation.Outcome?
            let elapsed = clock.measure { outcome = simulation.run(cars: cars, runs: runs, seed: 1) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            totalRuns += runs
            totalSeconds += seconds

            // The result: most laps first, then the earlier last crossing.
            let finish = cars.indices.sorted { a, b in
                let lapsA = race.cars[cars[a].key] ?? []
                let lapsB = race.cars[cars[b].key] ?? []
                let lastA = (lapsA.last?.lap ?? 0, -(lapsA.last?.elapsedMs ?? 0))
                let lastB = (lapsB.last?.lap ?? 0, -(lapsB.last?.elapsedMs ?? 0))
                return lastA > lastB
            }
            var error = 0.0
            for (place, index) in finish.enumerated() {
                error += abs((outcome?.meanPosition(index) ?? 0) - Double(place + 1))
            }
            let mean = error / Double(max(1, cars.count))

            // The naive forecast: the running order at half distance stays.
            let current = cars.indices.sorted { cars[$0].elapsedMs < cars[$1].elapsedMs }
            var currentError = 0.0
            for (place, index) in finish.enumerated() {
                currentError += abs(Double((current.firstIndex(of: index) ?? 0) - place))
            }
            let currentMean = currentError / Double(max(1, cars.count))
            print(
                "| \(race.name) | \(cars.count) | \(race.raceLaps - half) | \(String(format: "%.0f", Double(runs) / seconds))"
                    + " | \(String(format: "%.2f", mean)) | \(String(format: "%.2f", currentMean)) |")
        }
        print()
        print(
            String(
                format: "simulation: %d runs in %.2f s, %.0f runs/s", totalRuns, totalSeconds,
                Double(totalRuns) / totalSeconds))
    }
}
