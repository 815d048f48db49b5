import Foundation
import Testing

@testable import RaceDomain

/// The 15-minute job's Monte Carlo (`StrategySimulation`): what `simulation.RunBatch` runs.
@Suite("Strategy simulation")
struct StrategySimulationTests {
    /// Barber race 1 up to the leader's lap 13, with a model trained on Barber race 2.
    static func halfDistance() throws -> (laps: [LapRecord], now: Int64) {
        let laps = try LiveStrategyTests.barberLaps()
        let now = try #require(laps.first { $0.lap == 13 }).crossedMs
        return (laps.filter { $0.crossedMs <= now }, now)
    }

    @Test("the same seed gives the same distributions, another seed other ones; every car has a stop option")
    func seeded() throws {
        let (laps, now) = try Self.halfDistance()
        let model = LiveStrategyTests.model
        let first = StrategySimulation.run(laps: laps, raceLaps: 27, model: model, runs: 2_000, seed: 7, nowMs: now)
        let again = StrategySimulation.run(laps: laps, raceLaps: 27, model: model, runs: 2_000, seed: 7, nowMs: now)
        let other = StrategySimulation.run(laps: laps, raceLaps: 27, model: model, runs: 2_000, seed: 8, nowMs: now)
        #expect(first == again)
        #expect(first.cars.map(\.positionCounts) != other.cars.map(\.positionCounts))
        #expect(first.cars.count >= 18 && first.options.count == first.cars.count)
        #expect(first.cars.allSatisfy { $0.positionCounts.reduce(0, +) == 2_000 })
        #expect(first.options.allSatisfy { $0.positionCounts.reduce(0, +) == 2_000 })
        #expect(first.racesSimulated == 2_000 * (1 + first.options.count) && first.model == model.version)
        #expect(first.cars.map(\.currentPosition) == Array(1...first.cars.count))

        // A stop the pit window expects to lose time on loses places on average (the same draws with and without).
        let noStop = Dictionary(
            first.cars.map { (CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber), $0.expectedPosition) }
        ) { a, _ in a }
        for option in first.options where option.expectedGainMs < -10_000 {
            let before = try #require(noStop[CarKey.of(vehicleID: option.vehicleID, carNumber: option.carNumber)])
            #expect(option.expectedPosition >= before - 0.01, "car \(option.carNumber ?? 0): \(before) → \(option)")
        }
    }

    @Test("without events the job's mean finishing order follows the pace model's forecast times")
    func noEventsFollowsPace() throws {
        let (laps, now) = try Self.halfDistance()
        let model = LiveStrategyTests.model
        let batch = StrategySimulation.run(
            laps: laps, raceLaps: 27, model: model, runs: 2_000, seed: 1, nowMs: now, events: false)
        var live = LiveStrategy(model: model)
        live.update(laps: laps)
        let cars = RaceSimulation.cars(filters: live.filters, raceLaps: 27)
        let finish = Dictionary(uniqueKeysWithValues: cars.map { ($0.key, $0.elapsedMs + $0.forecastMs.reduce(0, +)) })
        let mean = Dictionary(
            uniqueKeysWithValues: batch.cars.map {
                (CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber), $0.expectedPosition)
            })
        #expect(mean.count == cars.count)
        var pairs = 0
        for (a, timeA) in finish {
            for (b, timeB) in finish where timeA + 5_000 < timeB {
                #expect((mean[a] ?? 0) < (mean[b] ?? 0), "\(a) vs \(b)")
                pairs += 1
            }
        }
        #expect(pairs > 100)
    }

    @Test("a stop that costs more than its tyres win back loses the lead as often as a hand calculation says")
    func handComputedStop() {
        // Two cars, 10 laps left (laps 11–20), both forecast at 100 s a lap, lap noise 0.2 % (200 ms); car A leads by
        // 5 s. A stops at the end of lap 11: 15.9 s lost, then laps 12–20 are each 1.1 s faster (tyres 11 laps
        // younger at 100 ms per lap of age): 9.9 s back. A finishes on average 1 s behind B. The spread of the
        // difference: √(0.002² · (100 000² + 9 · 98 900²) + 10 · 0.002² · 100 000²) = 890.01 ms, so A stays ahead
        // with probability Φ(−1000 / 890.01) = Φ(−1.1236) = 0.1306: expected position 2 − 0.1306 = 1.8694. Without
        // the stop A keeps the lead but for Φ(−5000 / 894.4) ≈ 1e-8.
        let cars = [
            RaceSimulation.Car(
                key: "A", elapsedMs: 1_000_000, lapsCompleted: 10, forecastMs: Array(repeating: 100_000, count: 10)),
            RaceSimulation.Car(
                key: "B", elapsedMs: 1_005_000, lapsCompleted: 10, forecastMs: Array(repeating: 100_000, count: 10)),
        ]
        var simulation = RaceSimulation(model: .builtInPrior, events: false)
        simulation.noiseSD = 0.002
        let stop = RaceSimulation.Option(car: 0, stopLap: 11, lossMs: 15_900, cautionLossMs: nil, lapGainMs: 1_100)
        let outcome = simulation.run(cars: cars, options: [stop], runs: 20_000, seed: 11)
        #expect(outcome.meanPosition(0) == 1)
        // 20 000 runs: standard error √(0.1306 · 0.8694 / 20 000) = 0.0024.
        #expect(abs(outcome.meanPosition(option: 0) - 1.8694) < 0.0075, "\(outcome.meanPosition(option: 0))")
        #expect(outcome.optionCounts[0].reduce(0, +) == 20_000)
    }
}
