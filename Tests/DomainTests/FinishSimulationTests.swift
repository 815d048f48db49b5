import Foundation
import Testing

@testable import RaceDomain

@Suite("The finish simulation")
struct FinishSimulationTests {
    func lap(
        _ car: Int, _ number: Int, _ seconds: Double, crossed: Int64, flag: String = "GF", pit: Bool = false,
        sectors: [Int64]? = nil
    ) -> LapRecord {
        LapRecord(
            carNumber: car, lap: number, lapTimeMs: Int64(seconds * 1000), crossedMs: crossed, s1Ms: sectors?[0],
            s2Ms: sectors?[1], s3Ms: sectors?[2], topSpeedKph: 150 + Double(number), flag: flag, pitIn: pit,
            source: .analysis)
    }

    @Test("simulation: nothing left to run keeps the running order; the same seed gives the same batch")
    func simulationDeterminism() {
        var laps: [LapRecord] = []
        for n in 1...6 {
            let crossed = Int64(n) * 100_000
            laps.append(lap(1, n, 100 + Double(n % 3), crossed: crossed))
            laps.append(lap(2, n, 100 + Double(n % 2), crossed: crossed + 3_000))
        }
        let done = FinishSimulation.run(laps: laps, raceLaps: 6, iterations: 500, seed: 1, nowMs: 0)
        #expect(done.lapsRemaining == 0)
        #expect(done.cars.map { $0.winProbability } == [1.0, 0.0])
        #expect(done.cars.map { $0.expectedPosition } == [1.0, 2.0])

        let a = FinishSimulation.run(laps: laps, raceLaps: 20, iterations: 500, seed: 42, nowMs: 0)
        let b = FinishSimulation.run(laps: laps, raceLaps: 20, iterations: 500, seed: 42, nowMs: 0)
        #expect(a == b)
        #expect(a.lapsRemaining == 14)
        #expect(a.cars.allSatisfy { $0.podiumProbability == 1 })
        let totalWins: Double = a.cars.reduce(0) { $0 + $1.winProbability }
        #expect(abs(totalWins - 1) < 1e-9)
    }

    @Test("simulation against the normal distribution: a 3 s lead over equal cars is kept with Φ(3 / (σ√2n))")
    func simulationMatchesNormalModel() {
        // Two cars, identical pace laps 101, 102, 103 s (laps 2–4: mean 102 s, sample sd 1 s); car 1 leads by 3 s,
        // 8 laps to go. Car 2 wins when its 8-lap time beats car 1's by more than 3 s: the difference of two
        // independent N(816 s, √8 s) is N(0, 4 s), so P(car 1 wins) = Φ(3 / 4) = 0.7734.
        var laps: [LapRecord] = []
        for n in 1...4 {
            let time = n == 1 ? 100.0 : 99.0 + Double(n)
            let crossed1 = Int64(n) * 101_000
            laps.append(lap(1, n, time, crossed: crossed1))
            laps.append(lap(2, n, time, crossed: crossed1 + 3_000))
        }
        let batch = FinishSimulation.run(laps: laps, raceLaps: 12, iterations: 40_000, seed: 7, nowMs: 0)
        #expect(batch.lapsRemaining == 8)
        let win = batch.cars[0].winProbability
        // Binomial standard error at 40,000 runs is 0.0021; allow four of them.
        #expect(abs(win - 0.7734) < 0.0084, "P(car 1 wins) = \(win)")
    }
}
