import Foundation

/// Monte Carlo of the rest of a race from the pace model: the distribution of each car's finishing position.
///
/// Each run plays every remaining lap of every car. A car's lap is its pace forecast for that lap
/// (`StintPaceFilter.forecast`) times (1 + ε), ε normal with the model's one-lap spread
/// ((q90 − q10) / 2.563 noise scales, the normal's 80 % width, times `noiseScale`). With `events`, a caution starts on a lap with the
/// model's `cautionStartRate` and lasts a geometric number of laps with mean `cautionLength`; under
/// caution every car runs the leader's forecast × `cautionLapFactor`, the field closes up behind the
/// leader (`cautionGapMs` apart, order kept), and the first green lap after it costs `restartPenalty`.
/// Cars finish in order of the time they complete the race's last lap. A seeded SplitMix64 makes a run
/// set reproducible: the same seed gives the same counts.
public struct RaceSimulation: Sendable {
    /// One car at the moment the simulation starts.
    public struct Car: Sendable, Equatable {
        public var key: String
        /// Race time at its last crossing (ms).
        public var elapsedMs: Double
        public var lapsCompleted: Int
        /// Forecast lap times for its laps lapsCompleted + 1 … raceLaps, in order.
        public var forecastMs: [Double]

        public init(key: String, elapsedMs: Double, lapsCompleted: Int, forecastMs: [Double]) {
            self.key = key
            self.elapsedMs = elapsedMs
            self.lapsCompleted = lapsCompleted
            self.forecastMs = forecastMs
        }
    }

    /// Finishing positions over all runs.
    public struct Outcome: Sendable, Equatable {
        public var runs: Int
        public var seed: UInt64
        /// Car keys in the order given.
        public var keys: [String]
        /// `counts[car][position − 1]`: runs in which the car finished in that position.
        public var counts: [[Int]]
        /// Cautions started over all runs.
        public var cautions: Int

        public func meanPosition(_ car: Int) -> Double {
            let total = counts[car].enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
            return Double(total) / Double(max(1, runs))
        }
    }

    public var noiseSD: Double
    public var events: Bool
    public var cautionStartRate: Double
    public var cautionLength: Double
    public var restartPenalty: Double
    /// Caution lap time over the leader's green forecast (1.4: FCY laps ran about 40 % slower in the data).
    public var cautionLapFactor = 1.4
    public var cautionGapMs = 1_000.0

    public init(model: PaceModel, events: Bool) {
        // The one-lap interval is in noise scales; as a fraction of the lap: × noiseScale.
        let one = model.quantiles(horizon: 1)
        noiseSD = (one.q90 - one.q10) / 2.5631 * model.noiseScale
        self.events = events
        cautionStartRate = model.cautionStartRate
        cautionLength = model.cautionLength
        restartPenalty = model.restartPenalty
    }

    /// The cars of a race after their filters have seen laps up to now, to the race's last lap.
    public static func cars(filters: [String: StintPaceFilter], raceLaps: Int) -> [Car] {
        filters.keys.sorted().compactMap { key in
            guard let filter = filters[key], let last = filter.lastLap, last.lap < raceLaps,
                let elapsed = last.elapsedMs
            else { return nil }
            let forecasts = (1...(raceLaps - last.lap)).compactMap { horizon -> Double? in
                // The green forecast: a restart penalty is the simulation's to apply.
                guard let forecast = filter.forecast(horizon: horizon) else { return nil }
                return horizon == 1 && last.flag == "FCY"
                    ? forecast.meanMs / (1 + filter.model.restartPenalty)
                    : forecast.meanMs
            }
            return Car(key: key, elapsedMs: Double(elapsed), lapsCompleted: last.lap, forecastMs: forecasts)
        }
    }

    public func run(cars: [Car], runs: Int, seed: UInt64) -> Outcome {
        var random = SplitMix64(seed: seed)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: cars.count), count: cars.count)
        var cautions = 0
        let firstLap = (cars.map(\.lapsCompleted).min() ?? 0) + 1
        let lastLap = cars.map { $0.lapsCompleted + $0.forecastMs.count }.max() ?? 0
        let continueProbability = cautionLength > 1 ? 1 - 1 / cautionLength : 0
        var elapsed = [Double](repeating: 0, count: cars.count)
        // The cars that run each lap (those that have a forecast for it), the same in every run.
        let runningByLap = (firstLap...max(firstLap, lastLap)).map { lap in
            cars.indices.filter {
                lap > cars[$0].lapsCompleted && lap - cars[$0].lapsCompleted - 1 < cars[$0].forecastMs.count
            }
        }

        for _ in 0..<runs {
            for index in cars.indices { elapsed[index] = cars[index].elapsedMs }
            var cautionLeft = 0
            var restart = false
            for lap in firstLap...max(firstLap, lastLap) where lastLap >= firstLap {
                // Caution: starts (or goes on), the field closes up behind the leader.
                if events {
                    if cautionLeft == 0, random.uniform() < cautionStartRate {
                        cautionLeft = 1
                        while random.uniform() < continueProbability { cautionLeft += 1 }
                        cautions += 1
                    }
                }
                let caution = cautionLeft > 0
                let running = runningByLap[lap - firstLap]
                if caution {
                    closeUp(running.sorted { elapsed[$0] < elapsed[$1] }, lap: lap, cars: cars, elapsed: &elapsed)
                } else {
                    let penalty = restart ? 1 + restartPenalty : 1
                    for index in running {
                        let forecast = cars[index].forecastMs[lap - cars[index].lapsCompleted - 1]
                        elapsed[index] += forecast * penalty * (1 + noiseSD * random.normal())
                    }
                }
                restart = caution && cautionLeft == 1
                if caution { cautionLeft -= 1 }
            }
            let order = cars.indices.sorted { elapsed[$0] < elapsed[$1] }
            for (place, index) in order.enumerated() { counts[index][place] += 1 }
        }
        return Outcome(runs: runs, seed: seed, keys: cars.map(\.key), counts: counts, cautions: cautions)
    }

    /// One caution lap: the leader runs its forecast × `cautionLapFactor`; every car that can reach the queue
    /// within that lap closes up `cautionGapMs` behind the car ahead (order kept); a car further back (a lap
    /// down) runs the caution lap where it is.
    private func closeUp(_ order: [Int], lap: Int, cars: [Car], elapsed: inout [Double]) {
        guard let leader = order.first else { return }
        let cautionLap = cars[leader].forecastMs[lap - cars[leader].lapsCompleted - 1] * cautionLapFactor
        var previous = elapsed[leader] + cautionLap - cautionGapMs
        for index in order {
            let own = elapsed[index] + cautionLap
            let queued = previous + cautionGapMs
            elapsed[index] = own - queued < cautionLap ? queued : own
            previous = elapsed[index]
        }
    }

    /// SplitMix64 (Steele, Lea, Flood 2014) with Box–Muller normals.
    struct SplitMix64 {
        var state: UInt64
        var spare: Double?

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Uniform in [0, 1).
        mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

        mutating func normal() -> Double {
            if let value = spare {
                spare = nil
                return value
            }
            let u = max(uniform(), 1e-300)
            let v = uniform()
            let radius = (-2 * log(u)).squareRoot()
            spare = radius * sin(2 * .pi * v)
            return radius * cos(2 * .pi * v)
        }
    }
}
