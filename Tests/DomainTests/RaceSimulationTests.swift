import Foundation
import Testing

@testable import RaceDomain

@Suite("Race simulation")
struct RaceSimulationTests {
    /// Five cars level on time at lap 10 of 20, paces 100.0 s … 100.8 s a lap, 0.5 % lap noise.
    static let cars = (0..<5).map { index in
        RaceSimulation.Car(
            key: "car\(index)", elapsedMs: 1_000_000, lapsCompleted: 10,
            forecastMs: [Double](repeating: 100_000 + 200 * Double(index), count: 10))
    }

    static func simulation(events: Bool) -> RaceSimulation {
        var simulation = RaceSimulation(model: PaceModelTests.model(), events: events)
        simulation.noiseSD = 0.005
        simulation.cautionStartRate = 0.2
        simulation.cautionLength = 2
        return simulation
    }

    @Test("the same seed gives the same distribution; another seed another one")
    func seeded() {
        let simulation = Self.simulation(events: true)
        let first = simulation.run(cars: Self.cars, runs: 10_000, seed: 42)
        let again = simulation.run(cars: Self.cars, runs: 10_000, seed: 42)
        let other = simulation.run(cars: Self.cars, runs: 10_000, seed: 43)
        #expect(first == again)
        #expect(first.counts != other.counts)
        #expect(first.counts.allSatisfy { $0.reduce(0, +) == 10_000 })
        #expect(first.cautions > 0)
    }

    @Test("without events the mean finishing order is the pace order")
    func paceOrder() {
        // Car i is 200 ms a lap slower than car i − 1: 2 s over 10 laps against a spread of
        // 0.5 % · 100 s · √10 ≈ 1.6 s per car, so the order is clear but not certain.
        let outcome = Self.simulation(events: false).run(cars: Self.cars, runs: 10_000, seed: 7)
        let means = (0..<5).map { outcome.meanPosition($0) }
        #expect(means == means.sorted())
        #expect(outcome.cautions == 0)
        #expect(outcome.counts[0][0] > 5_000 && outcome.counts[0][0] < 10_000)
    }

    @Test("from half distance of barber R1 with no events, the mean finishing order follows the forecast times")
    func realRace() throws {
        let race = try PaceModelTests.barber(1)
        let model = PaceTrainer().train(races: [race])
        var filters: [String: StintPaceFilter] = [:]
        for (key, laps) in race.cars where (laps.last?.lap ?? 0) >= 14 {
            var filter = StintPaceFilter(model: model)
            for lap in laps where lap.lap <= 13 { filter.update(lap) }
            filters[key] = filter
        }
        let cars = RaceSimulation.cars(filters: filters, raceLaps: race.raceLaps)
        #expect(cars.count >= 18)
        let outcome = RaceSimulation(model: model, events: false).run(cars: cars, runs: 2_000, seed: 1)

        // Pace order: time now plus the sum of forecasts. Mean positions must rank cars the same way
        // wherever the forecasts are more than 5 s apart.
        let expected = cars.map { $0.elapsedMs + $0.forecastMs.reduce(0, +) }
        for i in cars.indices {
            for j in cars.indices where expected[i] + 5_000 < expected[j] {
                #expect(outcome.meanPosition(i) < outcome.meanPosition(j), "\(cars[i].key) vs \(cars[j].key)")
            }
        }
    }

    @Test(
        "a car that stopped running is left out; one a lap down is kept; a car without race time is placed by crossing")
    func carsStillRunning() {
        // 100 s laps. A and B have run 5 laps (500 s), D 4 (400 s: a lap down), C stopped after lap 2 (200 s: 300 s,
        // three of its laps, before the latest crossing). E's laps have no race time, but crossed the line at UTC
        // instants 1 000 000 ms after their race time would be (the offset of the others).
        func filter(_ laps: Int, elapsed: Bool = true) -> StintPaceFilter {
            var filter = StintPaceFilter(model: PaceModelTests.model())
            for lap in 1...laps {
                filter.update(
                    LapRecord(
                        carNumber: 1, lap: lap, lapTimeMs: 100_000, crossedMs: 1_000_000 + Int64(lap) * 100_000,
                        elapsedMs: elapsed ? Int64(lap) * 100_000 : nil, flag: "GF", source: .analysis))
            }
            return filter
        }
        let cars = RaceSimulation.cars(
            filters: ["A": filter(5), "B": filter(5), "C": filter(2), "D": filter(4), "E": filter(5, elapsed: false)],
            raceLaps: 10)
        #expect(cars.map(\.key) == ["A", "B", "D", "E"])
        #expect(cars.map(\.elapsedMs) == [500_000, 500_000, 400_000, 500_000])
        #expect(cars.map(\.forecastMs.count) == [5, 5, 6, 5])
    }

    @Test("cars with no green lap yet run the field's median pace; with no green lap anywhere nothing is simulated")
    func noGreenLapYet() {
        func filter(_ times: [Int64], flag: String) -> StintPaceFilter {
            var filter = StintPaceFilter(model: PaceModelTests.model())
            for (index, time) in times.enumerated() {
                filter.update(
                    LapRecord(
                        carNumber: 1, lap: index + 1, lapTimeMs: time, crossedMs: 0,
                        elapsedMs: Int64(index + 1) * 100_000, flag: flag, source: .analysis))
            }
            return filter
        }
        // Behind the safety car for two laps: nobody has a green lap.
        let caution = ["A": filter([130_000, 131_000], flag: "FCY"), "B": filter([129_000, 132_000], flag: "FCY")]
        #expect(RaceSimulation.cars(filters: caution, raceLaps: 10).isEmpty)
        // A and C have green laps (their forecasts: their last green laps, 99 s and 101 s); B runs their median, 100 s.
        let mixed = [
            "A": filter([99_000, 99_000], flag: "GF"), "B": caution["B"]!, "C": filter([101_000, 101_000], flag: "GF"),
        ]
        let cars = RaceSimulation.cars(filters: mixed, raceLaps: 10)
        #expect(cars.map(\.key) == ["A", "B", "C"])
        #expect(cars.map { $0.forecastMs.first ?? 0 } == [99_000, 100_000, 101_000])
        #expect(cars[1].forecastMs == Array(repeating: 100_000, count: 8))
    }
}
