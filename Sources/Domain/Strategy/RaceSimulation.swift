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
/// set reproducible: the same seed gives the same counts. Strategy options (`Option`: one car stops at a lap)
/// are played on the same draws as the race without stops.
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

    /// One car's strategy option: it stops at the end of lap `stopLap` (its in-lap), losing `lossMs` (or
    /// `cautionLossMs` when that lap runs under caution in the run, if known), and every lap after the stop is
    /// `lapGainMs` faster than its no-stop forecast (the fresh tyres: `PitWindow`'s slope × age difference).
    public struct Option: Sendable, Equatable {
        public var car: Int
        public var stopLap: Int
        public var lossMs: Double
        public var cautionLossMs: Double?
        public var lapGainMs: Double

        public init(car: Int, stopLap: Int, lossMs: Double, cautionLossMs: Double?, lapGainMs: Double) {
            self.car = car
            self.stopLap = stopLap
            self.lossMs = lossMs
            self.cautionLossMs = cautionLossMs
            self.lapGainMs = lapGainMs
        }
    }

    /// Finishing positions over all runs.
    public struct Outcome: Sendable, Equatable {
        public var runs: Int
        public var seed: UInt64
        /// Car keys in the order given.
        public var keys: [String]
        /// `counts[car][position − 1]`: runs in which the car finished in that position, no car stopping.
        public var counts: [[Int]]
        /// `optionCounts[option][position − 1]`: runs in which the option's car finished there when it took it.
        public var optionCounts: [[Int]]
        /// Cautions started over all runs.
        public var cautions: Int

        public func meanPosition(_ car: Int) -> Double { Self.mean(counts[car], runs: runs) }
        public func meanPosition(option: Int) -> Double { Self.mean(optionCounts[option], runs: runs) }

        static func mean(_ counts: [Int], runs: Int) -> Double {
            let total = counts.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
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
    /// Cars are placed on the race clock: the `elapsedMs` of their last lap; a car whose last lap lacks it, by its
    /// crossing time (`crossedMs`) less the median offset between the two over the cars that have both; when no car
    /// has a race time (a `lap_end` feed), every car by its crossing time. A car that can be placed neither way is
    /// left out, and so is a car that has stopped running: its last crossing more than two of its laps before the
    /// field's latest (retired, or in the garage). A car that has run no green lap yet (the start behind the safety
    /// car) runs the median next-lap forecast of the cars that have; before any car has, there is nothing to simulate.
    public static func cars(filters: [String: StintPaceFilter], raceLaps: Int) -> [Car] {
        let green = Set(filters.filter { $0.value.lastGreenMs != nil }.map(\.key))
        var placed = place(filters: filters, raceLaps: raceLaps)
        guard let fieldPace = Statistics.median(placed.filter { green.contains($0.key) }.compactMap(\.forecastMs.first))
        else { return [] }
        for index in placed.indices where !green.contains(placed[index].key) {
            placed[index].forecastMs = placed[index].forecastMs.map { _ in fieldPace }
        }
        guard let latest = placed.map(\.elapsedMs).max() else { return [] }
        return placed.filter { car in latest - car.elapsedMs <= 2 * (car.forecastMs.first ?? 0) }
    }

    private static func place(filters: [String: StintPaceFilter], raceLaps: Int) -> [Car] {
        let lasts = filters.values.compactMap(\.lastLap)
        let anyElapsed = lasts.contains { $0.elapsedMs != nil }
        let offset = Statistics.median(
            lasts.compactMap { lap in lap.elapsedMs.flatMap { lap.crossedMs > 0 ? Double(lap.crossedMs - $0) : nil } })
        return filters.keys.sorted().compactMap { key in
            guard let filter = filters[key], let last = filter.lastLap, last.lap < raceLaps else { return nil }
            let placed: Double
            if let elapsed = last.elapsedMs {
                placed = Double(elapsed)
            } else if !anyElapsed {
                placed = Double(last.crossedMs)
            } else if let offset, last.crossedMs > 0 {
                placed = Double(last.crossedMs) - offset
            } else {
                return nil
            }
            let forecasts = (1...(raceLaps - last.lap)).compactMap { horizon -> Double? in
                // The green forecast: a restart penalty is the simulation's to apply.
                guard let forecast = filter.forecast(horizon: horizon) else { return nil }
                return horizon == 1 && last.flag == "FCY"
                    ? forecast.meanMs / (1 + filter.model.restartPenalty)
                    : forecast.meanMs
            }
            return Car(key: key, elapsedMs: placed, lapsCompleted: last.lap, forecastMs: forecasts)
        }
    }

    /// `runs` races with no car stopping and, on the same random draws (cautions and every lap's noise), each of
    /// `options` with only its car stopping: the difference between an option and no stop is the strategy's, not
    /// the dice's. In a run without a caution a stop changes only its own car's time, so the option's finish is
    /// worked out from the no-stop race directly; a run with a caution is played again lap by lap for each option.
    /// `shouldStop` is asked every 256 runs; when it says yes the outcome holds the runs completed so far.
    public func run(
        cars: [Car], options: [Option] = [], runs: Int, seed: UInt64, shouldStop: (() -> Bool)? = nil
    ) -> Outcome {
        var random = SplitMix64(seed: seed)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: cars.count), count: cars.count)
        var optionCounts = [[Int]](repeating: [Int](repeating: 0, count: cars.count), count: options.count)
        var cautions = 0
        let plan = Plan(cars: cars)
        let laps = plan.offsets.count - 1
        let continueProbability = cautionLength > 1 ? 1 - 1 / cautionLength : 0
        var noise = [Double](repeating: 0, count: plan.slotCar.count)
        var caution = [Bool](repeating: false, count: laps)
        var restart = [Bool](repeating: false, count: laps)
        var elapsed = [Double](repeating: 0, count: cars.count)
        var base = [Double](repeating: 0, count: cars.count)
        var order = Array(cars.indices)

        var completed = 0
        for run in 0..<runs {
            if run % 256 == 255, shouldStop?() == true { break }
            completed += 1
            var cautionLeft = 0
            var wasCaution = false
            var anyCaution = false
            for index in 0..<laps {
                if events, cautionLeft == 0, random.uniform() < cautionStartRate {
                    cautionLeft = 1
                    while random.uniform() < continueProbability { cautionLeft += 1 }
                    cautions += 1
                }
                caution[index] = cautionLeft > 0
                anyCaution = anyCaution || caution[index]
                restart[index] = !caution[index] && wasCaution
                wasCaution = caution[index]
                if cautionLeft > 0 { cautionLeft -= 1 }
                if !caution[index] {
                    for slot in plan.offsets[index]..<plan.offsets[index + 1] {
                        noise[slot] = noiseSD * random.normal()
                    }
                }
            }
            race(cars, plan, option: nil, noise, caution, restart, &base)
            order.sort { base[$0] < base[$1] }
            for (place, car) in order.enumerated() { counts[car][place] += 1 }
            for (number, option) in options.enumerated() {
                var own: Double
                if anyCaution {
                    race(cars, plan, option: option, noise, caution, restart, &elapsed)
                    own = elapsed[option.car]
                } else {
                    // No caution: the stop moves only its own car (no restarts either, so no penalty).
                    own = base[option.car] + option.lossMs
                    for (index, slot) in plan.carSlots[option.car] where plan.firstLap + index > option.stopLap {
                        own -= option.lapGainMs * (1 + noise[slot])
                    }
                }
                var ahead = 0
                for car in cars.indices where car != option.car && (anyCaution ? elapsed[car] : base[car]) < own {
                    ahead += 1
                }
                optionCounts[number][ahead] += 1
            }
        }
        return Outcome(
            runs: completed, seed: seed, keys: cars.map(\.key), counts: counts, optionCounts: optionCounts,
            cautions: cautions)
    }

    /// The laps of a run laid out flat: per lap the slots of the cars that run it (those with a forecast for it),
    /// each slot's car and forecast, and per car its (lap index, slot) pairs. The same in every run.
    struct Plan {
        var firstLap: Int
        var offsets: [Int]
        var slotCar: [Int]
        var slotForecast: [Double]
        var carSlots: [[(index: Int, slot: Int)]]

        init(cars: [Car]) {
            firstLap = (cars.map(\.lapsCompleted).min() ?? 0) + 1
            let lastLap = max(firstLap, cars.map { $0.lapsCompleted + $0.forecastMs.count }.max() ?? 0)
            offsets = [0]
            slotCar = []
            slotForecast = []
            carSlots = Array(repeating: [], count: cars.count)
            for (index, lap) in (firstLap...lastLap).enumerated() {
                for car in cars.indices {
                    let ahead = lap - cars[car].lapsCompleted - 1
                    guard ahead >= 0, ahead < cars[car].forecastMs.count else { continue }
                    carSlots[car].append((index, slotCar.count))
                    slotCar.append(car)
                    slotForecast.append(cars[car].forecastMs[ahead])
                }
                offsets.append(slotCar.count)
            }
        }
    }

    /// Plays one run's laps for every car (and the option's stop) from the drawn cautions and noise.
    private func race(
        _ cars: [Car], _ plan: Plan, option: Option?, _ noise: [Double], _ caution: [Bool], _ restart: [Bool],
        _ elapsed: inout [Double]
    ) {
        for index in cars.indices { elapsed[index] = cars[index].elapsedMs }
        for index in 0..<(plan.offsets.count - 1) {
            let lap = plan.firstLap + index
            let slots = plan.offsets[index]..<plan.offsets[index + 1]
            if caution[index] {
                let running = slots.map { plan.slotCar[$0] }.sorted { elapsed[$0] < elapsed[$1] }
                closeUp(running, lap: lap, cars: cars, elapsed: &elapsed)
            } else {
                let penalty = restart[index] ? 1 + restartPenalty : 1
                for slot in slots {
                    let car = plan.slotCar[slot]
                    var forecast = plan.slotForecast[slot]
                    if let option, option.car == car, lap > option.stopLap { forecast -= option.lapGainMs }
                    elapsed[car] += forecast * penalty * (1 + noise[slot])
                }
            }
            if let option, option.stopLap == lap {
                elapsed[option.car] += caution[index] ? option.cautionLossMs ?? option.lossMs : option.lossMs
            }
        }
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
