import Foundation

/// Monte Carlo of the finishing order from the running order and each car's lap-time spread.
///
/// Model (deliberately simple; issue #5 asks for a start): every car runs the leader's remaining laps. A car's
/// pace is the mean and standard deviation of its last `paceLaps` pace laps (green, lap 2 on, no pit), or the
/// field's when it has fewer than 3. Its time for `n` more laps is drawn from a normal distribution with mean
/// `n × mean` and deviation `√n × sd` (independent laps). Cars then rank by laps completed, then by the instant
/// they would cross the line the last time. A seeded SplitMix64 makes a batch reproducible.
public enum FinishSimulation {
    public static func run(
        laps: [LapRecord], raceLaps: Int, iterations: Int, seed: UInt64, nowMs: Int64, paceLaps: Int = 10
    ) -> SimulationBatch {
        let standings = RunningOrder.standings(laps: laps)
        let leaderLaps = standings.first?.lapsCompleted ?? 0
        let remaining = max(0, raceLaps - leaderLaps)
        let byCar = LapHistory(laps: laps).byCar

        // Each car's pace, with the field's as the fallback.
        let paces = standings.map { standing -> [Double] in
            let own = byCar[standing.carKey] ?? []
            return own.filter(LapHistory.isCleanLap).suffix(paceLaps).compactMap(\.lapTimeMs).map(Double.init)
        }
        let field = Pace(paces.flatMap { $0 }) ?? Pace(mean: 0, deviation: 0)
        let models = paces.map { Pace($0) ?? field }

        var random = SplitMix64(seed: seed)
        var positionSums = [Double](repeating: 0, count: standings.count)
        var wins = [Int](repeating: 0, count: standings.count)
        var podiums = [Int](repeating: 0, count: standings.count)
        for _ in 0..<max(iterations, 1) {
            let finish = standings.indices.map { index -> (laps: Int, atMs: Double, index: Int) in
                let model = models[index]
                let n = Double(remaining)
                let time = n * model.mean + n.squareRoot() * model.deviation * random.normal()
                let at = Double(standings[index].lastCrossedMs) + (remaining > 0 ? time : 0)
                return (standings[index].lapsCompleted + remaining, at, index)
            }.sorted { ($0.laps, -$0.atMs) > ($1.laps, -$1.atMs) }
            for (place, car) in finish.enumerated() {
                positionSums[car.index] += Double(place + 1)
                if place == 0 { wins[car.index] += 1 }
                if place < 3 { podiums[car.index] += 1 }
            }
        }

        let runs = Double(max(iterations, 1))
        let cars = standings.indices.map { index in
            FinishProjection(
                vehicleID: standings[index].vehicleID, carNumber: standings[index].carNumber,
                currentPosition: standings[index].position, expectedPosition: positionSums[index] / runs,
                winProbability: Double(wins[index]) / runs, podiumProbability: Double(podiums[index]) / runs)
        }
        return SimulationBatch(
            computedMs: nowMs, iterations: max(iterations, 1), seed: seed, lapsRemaining: remaining, cars: cars)
    }

    /// Mean and sample standard deviation of lap times (ms); nil for fewer than 3 laps.
    struct Pace {
        var mean: Double
        var deviation: Double

        init(mean: Double, deviation: Double) {
            self.mean = mean
            self.deviation = deviation
        }

        init?(_ times: [Double]) {
            guard times.count >= 3 else { return nil }
            mean = times.reduce(0, +) / Double(times.count)
            let m = mean
            deviation = (times.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(times.count - 1)).squareRoot()
        }
    }

    /// SplitMix64, with Box–Muller for standard normal draws.
    struct SplitMix64 {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }

        /// Uniform in (0, 1].
        mutating func uniform() -> Double { (Double(next() >> 11) + 1) * 0x1p-53 }

        mutating func normal() -> Double {
            (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
        }
    }
}
