import Foundation

/// Everything read from one race's files, with the analysis laps placed on the UTC clock.
public struct RaceData: Sendable {
    public var files: RaceFiles
    public var lapEnds: [LapEvent] = []
    public var lapStarts: [LapEvent] = []
    public var lapTimes: [LapEvent] = []
    public var analysisLaps: [AnalysisLap] = []
    /// Analysis laps as `LapRecord`s (source `.analysis`), `crossedMs` in UTC, sorted by crossing time.
    /// `vehicleID` is filled when exactly one lap-file vehicle maps to the car number.
    public var laps: [LapRecord] = []
    public var weather: [WeatherSample] = []
    public var results: [ResultRow] = []
    public var resultsByClass: [ResultRow] = []
    public var bestLaps: [BestLapsRow] = []
    /// Local time of the `HOUR` column minus UTC (barber: −5 h = −18 000 000 ms).
    public var utcOffsetMs: Int64 = 0
    /// Car number → vehicle ids seen in the lap files (two chassis can share a number).
    public var vehiclesByCar: [Int: [String]] = [:]
    /// Vehicles whose number is unknown (`GR86-002-000`) matched to a car by crossing times.
    public var matchedByCrossing: [String: Int] = [:]

    public init(files: RaceFiles) { self.files = files }

    /// Vehicle ids for a car number (from `vehicle_number`/the id, plus crossing-time matches).
    public func vehicleIDs(forCar carNumber: Int) -> [String] { vehiclesByCar[carNumber] ?? [] }

    /// Reads every file of `files`, counting bad rows in `ledger`.
    ///
    /// The analysis file's `HOUR` is local time without a date. The UTC offset is the whole quarter
    /// hour (−12 h … +14 h) under which the most analysis crossings fall within 3 s of a lap_end
    /// timestamp; without lap_end events, the offset that puts most crossings inside the weather window
    /// (ties: first crossing nearest the first weather sample) is used. The UTC date of each crossing
    /// is the one closest to the reference times.
    /// - Throws: `TRDError` when a present file cannot be read, or `.noTimeReference` when the
    ///   analysis file exists but neither lap_end nor weather times do.
    public static func load(_ files: RaceFiles, ledger: RowIssueLedger) throws -> RaceData {
        var data = RaceData(files: files)
        if let url = files.lapEnd { data.lapEnds = try LapEventReader.read(url: url, kind: .end, ledger: ledger) }
        if let url = files.lapStart { data.lapStarts = try LapEventReader.read(url: url, kind: .start, ledger: ledger) }
        if let url = files.lapTime { data.lapTimes = try LapEventReader.read(url: url, kind: .time, ledger: ledger) }
        if let url = files.analysis { data.analysisLaps = try AnalysisReader.read(url: url, ledger: ledger) }
        if let url = files.weather { data.weather = try WeatherReader.read(url: url, ledger: ledger) }
        if let url = files.results { data.results = try ResultsReader.read(url: url, kind: "results", ledger: ledger) }
        if let url = files.resultsByClass {
            data.resultsByClass = try ResultsReader.read(url: url, kind: "results_by_class", ledger: ledger)
        }
        if let url = files.bestLaps { data.bestLaps = try BestLapsReader.read(url: url, ledger: ledger) }

        // Car numbers from the lap files.
        for event in data.lapEnds + data.lapStarts + data.lapTimes {
            guard let number = event.carNumber else { continue }
            if !(data.vehiclesByCar[number] ?? []).contains(event.vehicleID) {
                data.vehiclesByCar[number, default: []].append(event.vehicleID)
            }
        }

        guard !data.analysisLaps.isEmpty else { return data }
        let references = data.lapEnds.map(\.timestampMs).sorted()
        let directory = files.analysis?.path ?? files.directory.path
        if !references.isEmpty {
            data.utcOffsetMs = bestOffset(hours: data.analysisLaps.map(\.hourOfDayMs), references: references)
        } else if !data.weather.isEmpty {
            data.utcOffsetMs = weatherOffset(
                hours: data.analysisLaps.map(\.hourOfDayMs), weather: data.weather.map(\.timeMs))
        } else {
            throw TRDError(
                code: .noTimeReference,
                reason:
                    "analysis HOUR is local time without a date and there is no lap_end or weather file to anchor it",
                file: directory, remedy: "add the race's lap_end or 26_Weather file to the folder")
        }
        let anchor =
            references.isEmpty
            ? data.weather.map(\.timeMs).sorted()[data.weather.count / 2]
            : references[references.count / 2]

        data.laps = data.analysisLaps.map { lap in
            LapRecord(
                carNumber: lap.carNumber, lap: lap.lap, lapTimeMs: lap.lapTimeMs,
                crossedMs: utcInstant(hourOfDayMs: lap.hourOfDayMs, offsetMs: data.utcOffsetMs, near: anchor),
                s1Ms: lap.s1Ms, s2Ms: lap.s2Ms, s3Ms: lap.s3Ms, topSpeedKph: lap.topSpeedKph, avgSpeedKph: lap.kph,
                elapsedMs: lap.elapsedMs, flag: lap.flag, pitIn: lap.pitIn, pitTimeMs: lap.pitTimeMs, source: .analysis)
        }
        data.laps.sort { ($0.crossedMs, $0.carNumber ?? 0) < ($1.crossedMs, $1.carNumber ?? 0) }

        data.matchUnnumberedVehicles()
        for index in data.laps.indices {
            guard let number = data.laps[index].carNumber else { continue }
            let ids = data.vehicleIDs(forCar: number)
            if ids.count == 1 { data.laps[index].vehicleID = ids[0] }
        }
        return data
    }

    /// The UTC instant of a local time of day, on the day that puts it closest to `anchor`.
    public static func utcInstant(hourOfDayMs: Int64, offsetMs: Int64, near anchor: Int64) -> Int64 {
        let anchorLocal = anchor + offsetMs
        let anchorDay = anchorLocal - ((anchorLocal % TRDTime.dayMs) + TRDTime.dayMs) % TRDTime.dayMs
        var local = anchorDay + hourOfDayMs
        if local - anchorLocal > TRDTime.dayMs / 2 { local -= TRDTime.dayMs }
        if anchorLocal - local > TRDTime.dayMs / 2 { local += TRDTime.dayMs }
        return local - offsetMs
    }

    /// The quarter-hour offset under which most local crossings land within 3 s of a UTC reference.
    static func bestOffset(hours: [Int64], references: [Int64]) -> Int64 {
        let quarter: Int64 = 15 * 60_000
        let referenceHours = references.map { (($0 % TRDTime.dayMs) + TRDTime.dayMs) % TRDTime.dayMs }.sorted()
        var best: (score: Int, offset: Int64) = (-1, 0)
        for step in Int64(-48)...Int64(56) {
            let offset = step * quarter
            var score = 0
            for hour in hours {
                let utcHour = ((hour - offset) % TRDTime.dayMs + TRDTime.dayMs) % TRDTime.dayMs
                if nearestDistance(utcHour, in: referenceHours) <= 3_000 { score += 1 }
            }
            if score > best.score || (score == best.score && abs(offset) < abs(best.offset)) {
                best = (score, offset)
            }
        }
        return best.offset
    }

    /// The quarter-hour offset that puts the most crossings inside the weather window (±2 min);
    /// ties go to the offset whose first crossing is closest to the first weather sample (the
    /// station starts logging as the session starts).
    static func weatherOffset(hours: [Int64], weather: [Int64]) -> Int64 {
        let quarter: Int64 = 15 * 60_000
        let pad: Int64 = 2 * 60_000
        guard let start = weather.min(), let end = weather.max() else { return 0 }
        let sortedHours = hours.sorted()
        var best: (score: Int, distance: Int64, offset: Int64) = (-1, .max, 0)
        for step in Int64(-48)...Int64(56) {
            let offset = step * quarter
            let instants = sortedHours.map { utcInstant(hourOfDayMs: $0, offsetMs: offset, near: start) }
            let score = instants.filter { $0 >= start - pad && $0 <= end + pad }.count
            let distance = abs((instants.min() ?? 0) - start)
            if score > best.score || (score == best.score && distance < best.distance) {
                best = (score, distance, offset)
            }
        }
        return best.offset
    }

    /// Cyclic (24 h) distance from `value` to the nearest element of sorted `values`.
    private static func nearestDistance(_ value: Int64, in values: [Int64]) -> Int64 {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        var best = Int64.max
        for index in [low - 1, low, 0, values.count - 1] where index >= 0 && index < values.count {
            let direct = abs(values[index] - value)
            best = min(best, min(direct, TRDTime.dayMs - direct))
        }
        return best
    }

    /// Maps vehicles without a number (`GR86-002-000`) to the analysis car whose crossings match
    /// their lap_end timestamps within 1.5 s most often — only when the car has no numbered vehicle
    /// of its own, at least half of the vehicle's crossings match and no other car matches as often.
    /// Otherwise the vehicle stays unmapped. In barber R1 `GR86-002-000` runs in a pack with cars 2, 47
    /// and 98 (26 of 27 crossings within 1.5 s of each), all of which have numbered vehicles, so it
    /// stays unmapped. Matches are recorded in `matchedByCrossing`.
    private mutating func matchUnnumberedVehicles() {
        let unnumbered = Dictionary(grouping: lapEnds.filter { $0.carNumber == nil }, by: \.vehicleID)
        guard !unnumbered.isEmpty else { return }
        let crossingsByCar = Dictionary(grouping: laps, by: { $0.carNumber ?? -1 })
            .mapValues { $0.map(\.crossedMs).sorted() }

        for (vehicleID, events) in unnumbered.sorted(by: { $0.key < $1.key }) {
            var best: (car: Int, hits: Int) = (-1, 0)
            var runnerUpHits = 0
            for (car, crossings) in crossingsByCar.sorted(by: { $0.key < $1.key })
            where car >= 0 && vehiclesByCar[car] == nil {
                let hits = events.filter { event in
                    crossings.contains { abs($0 - event.timestampMs) <= 1_500 }
                }.count
                if hits > best.hits {
                    runnerUpHits = best.hits
                    best = (car, hits)
                } else if hits > runnerUpHits {
                    runnerUpHits = hits
                }
            }
            guard best.hits > runnerUpHits else { continue }
            guard best.car >= 0, best.hits * 2 >= events.count else { continue }
            matchedByCrossing[vehicleID] = best.car
            vehiclesByCar[best.car, default: []].append(vehicleID)
        }
    }
}
