import Foundation
import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The strategy and simulation plugins as real processes on the whole Barber race 1, with the pace model shipped
/// with the build: every prediction carries that model's version and equals the domain's computation on the laps
/// crossed by then (so its pit window is `PitWindow.plan` with the pit loss measured so far); each plugin loads the
/// model once; the 15-minute simulation gives the domain's batch on the same laps and reports runs per second.
@Suite("Replay: strategy and simulation from the shipped pace model", .serialized)
struct ReplayStrategyIntegrationTests {
    static let barber = TestPaths.sharedTRD.appendingPathComponent("barber")

    @Test("predictions carry the shipped model's version and the domain's figures on the same laps; loaded once")
    func strategyFromTheShippedModel() throws {
        // A debug build simulates about 10 times slower than a release one: here the job runs 1,000 races per option
        // (the default 10,000 is checked on the excerpt in ReplayJobsIntegrationTests) and gets a minute of wall time
        // (the default is its 15-minute interval, 3 s at 300×).
        let plugins = PluginConfig.defaults.filter { ["strategy", "simulation"].contains($0.name) }.map { plugin in
            var plugin = plugin
            if plugin.name == "simulation" { plugin.arguments = ["--set", "iterations=1000"] }
            return plugin
        }
        let schedule = ScheduleEntryConfig.defaults.filter {
            ["strategy.UpdatePredictions", "simulation.RunBatch"].contains($0.method)
        }.map { entry in
            var entry = entry
            if entry.method == "simulation.RunBatch" { entry.timeoutSeconds = 60 * 300 }
            return entry
        }
        struct Overrides: Encodable {
            let plugins: [PluginConfig]
            let schedule: [ScheduleEntryConfig]
            let builtInSchedule = false
        }
        let config = try TestPaths.temporaryDirectory("strategy-config").appendingPathComponent("config.json")
        try JSONEncoder().encode(Overrides(plugins: plugins, schedule: schedule)).write(to: config)
        let run = try ReplayIntegrationTests.replay(
            Self.barber, extra: ["--log-level", "info", "--config", config.path])
        #expect(run.status == 0, "host exited \(run.status): \(run.stderr.suffix(3000))")

        // The model the plugins loaded is the repository's trained file, as built next to them.
        let shipped = try PaceModel.load(TestPaths.shippedModel.path)
        let source = TestPaths.repository.appendingPathComponent("Sources/Plugins/Runtime/Resources/pace-model.json")
        #expect(try Data(contentsOf: TestPaths.shippedModel) == Data(contentsOf: source))
        #expect(shipped.trainedOn.count == 14)

        // Loaded once per plugin process, at start, not per call.
        let loads = run.stderr.split(separator: "\n").filter { $0.contains("pace model loaded") }
        #expect(loads.filter { $0.contains("plugin=strategy") }.count == 1, "\(loads)")
        #expect(loads.filter { $0.contains("plugin=simulation") }.count == 1, "\(loads)")
        #expect(loads.allSatisfy { $0.contains(shipped.version) })

        // Every published prediction: the shipped model's, and exactly what the domain gives on the laps so far.
        let data = try RaceData.load(try RaceFiles.locate(directory: Self.barber, race: 1), ledger: RowIssueLedger())
        let predictions = run.updates.compactMap { update -> StrategyPrediction? in
            if case .prediction(let prediction) = update.body { return prediction } else { return nil }
        }
        #expect(predictions.count > 22 * 20)
        #expect(predictions.allSatisfy { $0.model == shipped.version })
        var expected: [Int64: [String: StrategyPrediction]] = [:]
        var withWindow = 0
        for prediction in predictions {
            if expected[prediction.computedMs] == nil {
                var live = LiveStrategy(model: shipped)
                live.update(laps: data.laps.filter { $0.crossedMs <= prediction.computedMs })
                expected[prediction.computedMs] = Dictionary(
                    uniqueKeysWithValues: live.predictions(raceLaps: 27, nowMs: prediction.computedMs).map {
                        (CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber), $0)
                    })
            }
            let key = CarKey.of(vehicleID: prediction.vehicleID, carNumber: prediction.carNumber)
            #expect(prediction == expected[prediction.computedMs]?[key], "car \(key) at \(prediction.computedMs)")
            if prediction.bestStop != nil { withWindow += 1 }
        }
        #expect(withWindow > predictions.count / 2)
        // Stops in the race so far give the pit loss once they have happened (Barber R1: cars 46 and others).
        #expect(predictions.contains { $0.pitLossStops > 0 })

        // The store keeps each car's latest prediction (stored by every call, published when a lap was added), every
        // field included: the domain's on the laps crossed by then.
        let store = try SQLiteRaceStore(path: run.storePath)
        let stored = try store.latestPredictions()
        #expect(stored.count == 22)
        for prediction in stored {
            var live = LiveStrategy(model: shipped)
            live.update(laps: data.laps.filter { $0.crossedMs <= prediction.computedMs })
            let key = CarKey.of(vehicleID: prediction.vehicleID, carNumber: prediction.carNumber)
            let domain = live.predictions(raceLaps: 27, nowMs: prediction.computedMs).first {
                CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber) == key
            }
            #expect(prediction == domain, "car \(key)")
        }

        // The simulation: the set runs per option from the same model, runs per second measured, stored as published.
        let batches = run.updates.compactMap { update -> SimulationBatch? in
            if case .simulation(let batch) = update.body { return batch } else { return nil }
        }
        let last = try #require(batches.max { $0.computedMs < $1.computedMs })
        #expect(batches.allSatisfy { $0.iterations == 1_000 && $0.model == shipped.version })
        #expect(batches.allSatisfy { $0.cars.isEmpty ? $0.racesSimulated == 0 : $0.runsPerSecond > 0 })
        #expect(try store.latestSimulation() == last)
        let running = try #require(batches.first { !$0.options.isEmpty })
        #expect(running.racesSimulated == 1_000 * (1 + running.options.count) && running.options.count >= 18)
        #expect(running.cars.allSatisfy { $0.positionCounts.reduce(0, +) == 1_000 })
        #expect(running.options.allSatisfy { $0.positionCounts.reduce(0, +) == 1_000 })
        // Its inputs are the laps crossed by its slot: the same batch as the domain's on them, runs per second aside.
        var again = StrategySimulation.run(
            laps: data.laps.filter { $0.crossedMs <= running.computedMs }, raceLaps: 27, model: shipped, runs: 1_000,
            seed: running.seed, nowMs: running.computedMs)
        again.runsPerSecond = running.runsPerSecond
        #expect(again == running)
    }
}
