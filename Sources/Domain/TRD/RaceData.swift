import Foundation

/// Everything read from one race's files, with the analysis laps placed on the UTC clock.
public struct RaceData: Sendable {
    public var files: RaceFiles
    public var lapEnds: [LapEvent] = []
    public var lapStarts: [LapEvent] = []
    public var lapTimes: [LapEvent] = []
    public var analysisLaps: [AnalysisLap] = []
    /// Analysis laps as `LapRecord`s (source `.analysis`), `crossedMs` in UTC, sorted by crossing time.
    /// `vehicleID` is filled from the vehicle → car mapping when exactly one vehicle maps to the car.
    public var laps: [LapRecord] = []
    public var weather: [WeatherSample] = []
    /// The weather file's line of each `weather` sample (same order), for messages about a sample.
    public var weatherRows: [Int] = []
    public var results: [ResultRow] = []
    public var resultsByClass: [ResultRow] = []
    public var bestLaps: [BestLapsRow] = []
    /// Local time of the `HOUR` column minus UTC (barber: −5 h = −18 000 000 ms).
    public var utcOffsetMs: Int64 = 0
    /// Car number → vehicle ids mapped to it. With lap_end events and an analysis file this holds at
    /// most one vehicle per car (see `load`); otherwise it is `vehicle_number`, which two chassis can share.
    public var vehiclesByCar: [Int: [String]] = [:]
    /// Vehicle id → car number on the timing sheet; vehicles left unmapped are absent.
    public var carByVehicle: [String: Int] = [:]
    /// Vehicles assigned to a car by `VehicleCarMatcher` (crossing times), as opposed to the
    /// `vehicle_number` fallback.
    public var matchedByCrossing: [String: Int] = [:]
    /// One readable line per vehicle whose timing-sheet car differs from its `vehicle_number`
    /// (`GR86-060-2: vehicle_number 2 but its crossings match car 111 (26 of 27 within 1 s, median 0.17 s)`),
    /// including vehicles left unmapped.
    public var mappingNotes: [String] = []
    /// How far the lap_end clock runs ahead of the timing sheet (`VehicleCarMatcher.clockOffset`); lap_end
    /// times are shifted back by it before vehicles are matched to cars. 0 when the clocks agree within 1 s.
    public var lapEndClockOffsetMs: Int64 = 0

    public init(files: RaceFiles) { self.files = files }

    /// Vehicle ids mapped to a car number (crossing-time matches, else `vehicle_number`).
    public func vehicleIDs(forCar carNumber: Int) -> [String] { vehiclesByCar[carNumber] ?? [] }

    /// Reads every file of `files`, counting bad rows in `ledger`.
    ///
    /// The analysis file's `HOUR` is local time without a date. The UTC offset is the whole quarter
    /// hour (−12 h … +14 h) under which the most analysis crossings fall within 3 s of a lap_end
    /// timestamp; without lap_end events, the offset that puts most crossings inside the weather window
    /// (ties: first crossing nearest the first weather sample) is used. The UTC date of each crossing
    /// is the one closest to the reference times.
    ///
    /// Once the crossings are on the UTC clock, lap-file vehicles are mapped to timing-sheet cars
    /// one-to-one by `VehicleCarMatcher` (lap_end within 1 s of a crossing for at least half of the
    /// vehicle's events). A vehicle it leaves unassigned keeps its `vehicle_number` only if that car is on
    /// the timing sheet and not taken; otherwise it is unmapped. Without lap_end events or an analysis
    /// file every vehicle maps to its `vehicle_number`.
    ///
    /// A file that is empty, header-only or unreadable is left out as if missing and counted as a bad file (see
    /// `readOptional`); the race needs lap timing only (the analysis file or lap_end).
    /// - Throws: `TRDError` `.noLapTiming` when neither the analysis file nor lap_end gives a lap, or
    ///   `.noTimeReference` when the analysis file has laps but neither lap_end nor weather times exist.
    public static func load(_ files: RaceFiles, ledger: RowIssueLedger) throws -> RaceData {
        var data = RaceData(files: files)
        let lapEnd = readOptional(files.lapEnd, kind: LapEvent.Kind.end.rawValue, ledger: ledger) {
            try LapEventReader.read(url: $0, kind: .end, ledger: ledger)
        }
        data.lapEnds = lapEnd.rows
        data.lapStarts =
            readOptional(files.lapStart, kind: LapEvent.Kind.start.rawValue, ledger: ledger) {
                try LapEventReader.read(url: $0, kind: .start, ledger: ledger)
            }.rows
        data.lapTimes =
            readOptional(files.lapTime, kind: LapEvent.Kind.time.rawValue, ledger: ledger) {
                try LapEventReader.read(url: $0, kind: .time, ledger: ledger)
            }.rows
        let analysis = readOptional(files.analysis, kind: AnalysisReader.kind, ledger: ledger) {
            try AnalysisReader.read(url: $0, ledger: ledger)
        }
        data.analysisLaps = analysis.rows
        let weather = readOptional(files.weather, kind: WeatherReader.kind, ledger: ledger) {
            let read = try WeatherReader.readRows(url: $0, ledger: ledger)
            return Array(zip(read.samples, read.rows))
        }
        data.weather = weather.rows.map(\.0)
        data.weatherRows = weather.rows.map(\.1)
        data.results =
            readOptional(files.results, kind: "results", ledger: ledger) {
                try ResultsReader.read(url: $0, kind: "results", ledger: ledger)
            }.rows
        data.resultsByClass =
            readOptional(files.resultsByClass, kind: "results_by_class", ledger: ledger) {
                try ResultsReader.read(url: $0, kind: "results_by_class", ledger: ledger)
            }.rows
        data.bestLaps =
            readOptional(files.bestLaps, kind: BestLapsReader.kind, ledger: ledger) {
                try BestLapsReader.read(url: $0, ledger: ledger)
            }.rows

        if data.analysisLaps.isEmpty, data.lapEnds.isEmpty {
            throw TRDError(
                code: .noLapTiming,
                reason:
                    "no lap timing, so no race to replay or report (analysis 23_…: \(analysis.problem ?? "no rows"); "
                    + "lap_end: \(lapEnd.problem ?? "no rows"))",
                file: files.directory.path,
                remedy: "re-copy the race's 23_AnalysisEndurance… or lap_end file (SOURCES.md lists where from)")
        }

        guard !data.analysisLaps.isEmpty else {
            data.mapVehiclesByNumber()
            return data
        }
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
                    "analysis HOUR is local time without a date and there is no lap_end or weather reading to anchor "
                    + "it (lap_end: \(lapEnd.problem ?? "no rows"); weather: \(weather.problem ?? "no rows"))",
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

        if data.lapEnds.isEmpty { data.mapVehiclesByNumber() } else { data.mapVehiclesByCrossing() }
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

    /// Every lap-file vehicle to its `vehicle_number` (or the id's number), as the feed says.
    private mutating func mapVehiclesByNumber() {
        for event in lapEnds + lapStarts + lapTimes {
            guard let number = event.carNumber, carByVehicle[event.vehicleID] == nil else { continue }
            carByVehicle[event.vehicleID] = number
            vehiclesByCar[number, default: []].append(event.vehicleID)
        }
    }

    /// Maps vehicles to timing-sheet cars with `VehicleCarMatcher`; vehicles it leaves unassigned (and
    /// vehicles seen only in lap_start/lap_time) fall back to a free `vehicle_number` on the sheet.
    /// Writes `carByVehicle`, `vehiclesByCar`, `matchedByCrossing` and `mappingNotes`.
    private mutating func mapVehiclesByCrossing() {
        // A lap_end clock running seconds off the timing sheet (cota) is set right first.
        let matcher = VehicleCarMatcher()
        var events = lapEnds
        if let offset = matcher.clockOffset(lapEnds: lapEnds, laps: laps) {
            lapEndClockOffsetMs = offset
            for index in events.indices { events[index].timestampMs -= offset }
            mappingNotes.append(
                "lap_end clock runs \(Self.seconds(abs(offset))) \(offset > 0 ? "ahead of" : "behind") the timing "
                    + "sheet's HOUR; lap_end times shifted by that before matching vehicles to cars")
        }
        let matches = matcher.match(lapEnds: events, laps: laps)
        for (vehicleID, score) in matches {
            carByVehicle[vehicleID] = score.carNumber
            matchedByCrossing[vehicleID] = score.carNumber
        }

        // The feed's own number for every vehicle (nil for an anonymised 0/000).
        var numberByVehicle: [String: Int?] = [:]
        for event in lapEnds + lapStarts + lapTimes where numberByVehicle[event.vehicleID] == nil {
            numberByVehicle[event.vehicleID] = .some(event.carNumber)
        }

        // Fallback, in vehicle id order: a number on the sheet that no vehicle holds yet.
        let sheet = Set(laps.compactMap(\.carNumber))
        var owner = Dictionary(uniqueKeysWithValues: carByVehicle.map { ($0.value, $0.key) })
        for (vehicleID, number) in numberByVehicle.sorted(by: { $0.key < $1.key }) {
            guard carByVehicle[vehicleID] == nil, let number, sheet.contains(number), owner[number] == nil
            else { continue }
            carByVehicle[vehicleID] = number
            owner[number] = vehicleID
        }
        for (vehicleID, car) in carByVehicle.sorted(by: { $0.key < $1.key }) {
            vehiclesByCar[car, default: []].append(vehicleID)
        }

        // Notes for every vehicle whose car is not its vehicle_number.
        let tolerance = Self.seconds(matcher.toleranceMs)
        for (vehicleID, number) in numberByVehicle.sorted(by: { $0.key < $1.key }) {
            let car = carByVehicle[vehicleID]
            guard car != number else { continue }
            let feedNumber = "\(vehicleID): vehicle_number \(number ?? 0)"
            if let score = matches[vehicleID] {
                mappingNotes.append(
                    "\(feedNumber) but its crossings match car \(score.carNumber) (\(score.hits) of \(score.events)"
                        + " within \(tolerance), median \(Self.seconds(score.medianDistanceMs)))")
            } else if let number, sheet.contains(number), let holder = owner[number] {
                mappingNotes.append(
                    "\(feedNumber) but no car's crossings match and car \(number) is taken by \(holder); unmapped")
            } else if number != nil {
                mappingNotes.append(
                    "\(feedNumber) is not on the timing sheet and no car's crossings match; unmapped")
            } else {
                mappingNotes.append("\(feedNumber) (anonymised) and no car's crossings match; unmapped")
            }
        }
    }

    /// `1 s`, `0.17 s`: non-negative milliseconds as seconds for notes, rounded half up to 0.01 s.
    private static func seconds(_ ms: Int64) -> String {
        guard ms % 1_000 != 0 else { return "\(ms / 1_000) s" }
        let centiseconds = (ms + 5) / 10
        let fraction = centiseconds % 100
        return "\(centiseconds / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
    }
}
