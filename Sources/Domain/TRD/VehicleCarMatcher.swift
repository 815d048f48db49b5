/// Assigns timing-feed vehicles to timing-sheet cars one-to-one by when they cross the line.
///
/// The anonymised `vehicle_number` of the lap files often disagrees with the analysis file's `NUMBER`
/// (barber R1: `GR86-060-2` is car 111, `GR86-004-78` is car 58), so the number is not trusted. Every
/// (vehicle, car) pair is scored by how many of the vehicle's lap_end timestamps fall within
/// `toleranceMs` of one of the car's crossings (hits), by the median distance from each timestamp to the
/// car's nearest crossing, and by its misfit: the sum over the vehicle's events of that distance capped at
/// `toleranceMs` (a miss costs the full tolerance). A pair is only acceptable when its hits reach half of
/// the vehicle's events. The assignment is the one-to-one choice of acceptable pairs with the smallest
/// total misfit, a vehicle left unassigned costing all its events as misses (the Hungarian method).
///
/// Best total fit, not best pair first: two cars running nose to tail hit each other's crossings too, and
/// taking the single best-looking pair first (most hits, then smallest median) swapped vir R2 cars 13/72
/// (`GR86-026-72` hit 21 of car 13's crossings, one more than of its own car's, at a worse median) and
/// road-america R1 cars 7/55.
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
        /// Sum over the vehicle's events of the distance to the car's nearest crossing, each capped at the
        /// tolerance: what the assignment minimises.
        public var misfitMs: Int64

        public init(
            vehicleID: String, carNumber: Int, hits: Int, events: Int, medianDistanceMs: Int64, misfitMs: Int64 = 0
        ) {
            self.vehicleID = vehicleID
            self.carNumber = carNumber
            self.hits = hits
            self.events = events
            self.medianDistanceMs = medianDistanceMs
            self.misfitMs = misfitMs
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
        let acceptable = scores(lapEnds: lapEnds, laps: laps).filter(\.isAcceptable)
        let vehicles = Array(Set(acceptable.map(\.vehicleID))).sorted()
        let cars = Array(Set(acceptable.map(\.carNumber))).sorted()
        guard !vehicles.isEmpty else { return [:] }

        // Square cost matrix: vehicles + one "no car" row per car, cars + one "no car" column per vehicle.
        // A vehicle in a "no car" column pays all its events as misses; "no car" rows cost nothing.
        let size = vehicles.count + cars.count
        let vehicleIndex = Dictionary(uniqueKeysWithValues: vehicles.enumerated().map { ($1, $0) })
        let carIndex = Dictionary(uniqueKeysWithValues: cars.enumerated().map { ($1, $0) })
        let forbidden = Int64(1) << 50
        var cost = Array(repeating: Array(repeating: Int64(0), count: size), count: size)
        var events: [Int] = Array(repeating: 0, count: vehicles.count)
        for score in acceptable { events[vehicleIndex[score.vehicleID]!] = score.events }
        for row in 0..<vehicles.count {
            for column in 0..<cars.count { cost[row][column] = forbidden }
            for column in cars.count..<size { cost[row][column] = Int64(events[row]) * toleranceMs }
        }
        var byPair: [String: [Int: Score]] = [:]
        for score in acceptable {
            cost[vehicleIndex[score.vehicleID]!][carIndex[score.carNumber]!] = score.misfitMs
            byPair[score.vehicleID, default: [:]][score.carNumber] = score
        }

        var assignment: [String: Score] = [:]
        for (row, column) in Self.cheapestAssignment(cost).enumerated() where row < vehicles.count {
            guard column < cars.count, let score = byPair[vehicles[row]]?[cars[column]] else { continue }
            assignment[vehicles[row]] = score
        }
        return assignment
    }

    /// For a square cost matrix, the column of each row in an assignment of least total cost (the Hungarian
    /// method with potentials, O(n³)).
    static func cheapestAssignment(_ cost: [[Int64]]) -> [Int] {
        let size = cost.count
        let infinity = Int64.max / 4
        // 1-based arrays; column 0 is the free slot the augmenting path starts from.
        var rowPotential = Array(repeating: Int64(0), count: size + 1)
        var columnPotential = Array(repeating: Int64(0), count: size + 1)
        var rowOfColumn = Array(repeating: 0, count: size + 1)
        var way = Array(repeating: 0, count: size + 1)

        for row in 1...size {
            rowOfColumn[0] = row
            var column = 0
            var slack = Array(repeating: infinity, count: size + 1)
            var used = Array(repeating: false, count: size + 1)
            repeat {
                used[column] = true
                let current = rowOfColumn[column]
                var delta = infinity
                var next = 0
                for candidate in 1...size where !used[candidate] {
                    let reduced = cost[current - 1][candidate - 1] - rowPotential[current] - columnPotential[candidate]
                    if reduced < slack[candidate] {
                        slack[candidate] = reduced
                        way[candidate] = column
                    }
                    if slack[candidate] < delta {
                        delta = slack[candidate]
                        next = candidate
                    }
                }
                for candidate in 0...size {
                    if used[candidate] {
                        rowPotential[rowOfColumn[candidate]] += delta
                        columnPotential[candidate] -= delta
                    } else {
                        slack[candidate] -= delta
                    }
                }
                column = next
            } while rowOfColumn[column] != 0

            // Flip the augmenting path back to the free column.
            repeat {
                let previous = way[column]
                rowOfColumn[column] = rowOfColumn[previous]
                column = previous
            } while column != 0
        }

        var columnOfRow = Array(repeating: 0, count: size)
        for column in 1...size where rowOfColumn[column] > 0 { columnOfRow[rowOfColumn[column] - 1] = column - 1 }
        return columnOfRow
    }

    /// How far the lap_end clock runs ahead of the timing sheet's crossings (negative: behind), when that is
    /// at least `toleranceMs` — a clock that far off leaves no event within the tolerance of its own car
    /// (cota: lap_end ~7.3 s ahead of `HOUR`). Nil when the clocks agree to within the tolerance or there is
    /// nothing to compare.
    ///
    /// Of all differences between a lap_end time and a crossing up to `maxClockOffsetMs` apart, the 500 ms
    /// span holding the most (ties: the one nearest zero) gives a first shift; the offset is then the median
    /// signed distance from each shifted event to its nearest crossing, over the events within the tolerance.
    public func clockOffset(lapEnds: [LapEvent], laps: [LapRecord]) -> Int64? {
        let events = lapEnds.filter { $0.kind == .end }.map(\.timestampMs)
        let crossings = laps.filter { $0.carNumber != nil }.map(\.crossedMs).sorted()
        guard !events.isEmpty, !crossings.isEmpty else { return nil }

        // Every event-minus-crossing difference within the search range, sorted; the 500 ms span holding
        // the most of them (ties: nearest zero) is where the clocks line up.
        var differences: [Int64] = []
        for event in events {
            var index = Self.firstIndex(notBelow: event - Self.maxClockOffsetMs, in: crossings)
            while index < crossings.count, crossings[index] <= event + Self.maxClockOffsetMs {
                differences.append(event - crossings[index])
                index += 1
            }
        }
        differences.sort()
        var best: (hits: Int, shift: Int64) = (-1, 0)
        var low = 0
        for high in differences.indices {
            while differences[high] - differences[low] > 500 { low += 1 }
            let hits = high - low + 1
            let shift = (differences[low] + differences[high]) / 2
            if hits > best.hits || (hits == best.hits && abs(shift) < abs(best.shift)) { best = (hits, shift) }
        }
        let signed = events.compactMap { event -> Int64? in
            let shifted = event - best.shift
            let nearest = Self.nearest(shifted, in: crossings)
            return abs(shifted - nearest) <= toleranceMs ? event - nearest : nil
        }.sorted()
        guard !signed.isEmpty else { return nil }
        let offset = Self.median(ofSorted: signed)
        return abs(offset) >= toleranceMs ? offset : nil
    }

    /// Largest lap_end clock offset `clockOffset` looks for.
    public static let maxClockOffsetMs: Int64 = 30_000

    /// Index of the first element of sorted `values` that is ≥ `value` (`values.count` when none is).
    static func firstIndex(notBelow value: Int64, in values: [Int64]) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The element of sorted, non-empty `values` nearest to `value`.
    static func nearest(_ value: Int64, in values: [Int64]) -> Int64 {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        if low == values.count { return values[low - 1] }
        if low > 0, value - values[low - 1] < values[low] - value { return values[low - 1] }
        return values[low]
    }

    /// Scores of every (vehicle, car) pair, best-looking first: hits descending, then median ascending, then
    /// vehicle id and car number ascending (for reading; the assignment uses `misfitMs`).
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
                        events: times.count, medianDistanceMs: Self.median(ofSorted: distances),
                        misfitMs: distances.reduce(0) { $0 + min($1, toleranceMs) }))
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
