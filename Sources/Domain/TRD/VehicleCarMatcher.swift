/// Assigns timing-feed vehicles to timing-sheet cars one-to-one by when they cross the line.
///
/// The anonymised `vehicle_number` of the lap files often disagrees with the analysis file's `NUMBER`
/// (barber R1: `GR86-060-2` is car 111, `GR86-004-78` is car 58), so the number is not trusted. Every
/// (vehicle, car) pair is scored by how many of the vehicle's lap_end timestamps fall within
/// `toleranceMs` of one of the car's crossings (hits) and by the median distance from each timestamp to
/// the car's nearest crossing. Pairs are then taken greedily — most hits first, then smallest median,
/// then vehicle id and car number for a stable order — using each vehicle and each car once, and a pair
/// is only accepted when its hits reach half of the vehicle's events.
public struct VehicleCarMatcher: Sendable {
    /// How well one vehicle's lap_end events line up with one car's crossings.
    public struct Score: Sendable, Equatable {
        public var vehicleID: String
        public var carNumber: Int
        /// Events within the tolerance of one of the car's crossings.
        public var hits: Int
        /// The vehicle's lap_end events.
        public var events: Int
        /// Median over the vehicle's events of the distance to the car's nearest crossing.
        public var medianDistanceMs: Int64

        public init(vehicleID: String, carNumber: Int, hits: Int, events: Int, medianDistanceMs: Int64) {
            self.vehicleID = vehicleID
            self.carNumber = carNumber
            self.hits = hits
            self.events = events
            self.medianDistanceMs = medianDistanceMs
        }

        /// At least half of the vehicle's events hit one of the car's crossings.
        public var isAcceptable: Bool { hits * 2 >= events }
    }

    /// Largest distance between a lap_end timestamp and a crossing that still counts as a hit.
    public var toleranceMs: Int64

    public init(toleranceMs: Int64 = 1_000) { self.toleranceMs = toleranceMs }

    /// The accepted one-to-one assignment, keyed by vehicle id.
    /// - Parameters:
    ///   - lapEnds: lap_end events (other kinds are ignored), `timestampMs` in UTC.
    ///   - laps: analysis laps with `crossedMs` in UTC; laps without a car number are ignored.
    public func match(lapEnds: [LapEvent], laps: [LapRecord]) -> [String: Score] {
        var usedCars: Set<Int> = []
        var assignment: [String: Score] = [:]
        for score in scores(lapEnds: lapEnds, laps: laps) where score.isAcceptable {
            guard assignment[score.vehicleID] == nil, !usedCars.contains(score.carNumber) else { continue }
            assignment[score.vehicleID] = score
            usedCars.insert(score.carNumber)
        }
        return assignment
    }

    /// Scores of every (vehicle, car) pair in greedy order: hits descending, then median ascending,
    /// then vehicle id and car number ascending.
    public func scores(lapEnds: [LapEvent], laps: [LapRecord]) -> [Score] {
        let timesByVehicle = Dictionary(grouping: lapEnds.filter { $0.kind == .end }, by: \.vehicleID)
            .mapValues { $0.map(\.timestampMs) }
        var crossingsByCar: [Int: [Int64]] = [:]
        for lap in laps {
            if let car = lap.carNumber { crossingsByCar[car, default: []].append(lap.crossedMs) }
        }
        crossingsByCar = crossingsByCar.mapValues { $0.sorted() }

        var scores: [Score] = []
        for (vehicleID, times) in timesByVehicle {
            for (car, crossings) in crossingsByCar {
                let distances = times.map { Self.nearestDistance($0, in: crossings) }.sorted()
                scores.append(
                    Score(
                        vehicleID: vehicleID, carNumber: car, hits: distances.filter { $0 <= toleranceMs }.count,
                        events: times.count, medianDistanceMs: Self.median(ofSorted: distances)))
            }
        }
        return scores.sorted {
            ($1.hits, $0.medianDistanceMs, $0.vehicleID, $0.carNumber)
                < ($0.hits, $1.medianDistanceMs, $1.vehicleID, $1.carNumber)
        }
    }

    /// Distance from `value` to the nearest element of sorted, non-empty `values`.
    static func nearestDistance(_ value: Int64, in values: [Int64]) -> Int64 {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        var best = Int64.max
        if low < values.count { best = values[low] - value }
        if low > 0 { best = min(best, value - values[low - 1]) }
        return best
    }

    /// Median of sorted values (mean of the middle two for an even count); 0 when empty.
    static func median(ofSorted values: [Int64]) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
}
