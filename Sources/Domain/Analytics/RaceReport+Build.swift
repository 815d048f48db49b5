import Foundation

extension RaceReport {
    /// Locates race `race` in `directory` (a track folder), reads every file and builds the report.
    ///
    /// When the race folder has no weather file, a `Race N` folder one level down (this data set's
    /// `sonoma/alkamel_site/Race 2`) is searched for one.
    /// - Throws: `TRDError` from `RaceFiles.locate` or `RaceData.load`.
    public static func build(directory: URL, race: Int) throws -> RaceReport {
        var files = try RaceFiles.locate(directory: directory, race: race)
        if files.weather == nil { files.weather = supplementaryWeather(in: directory, race: race) }
        let ledger = RowIssueLedger()
        let data = try RaceData.load(files, ledger: ledger)
        return build(data: data, ledger: ledger)
    }

    /// Builds the report from a loaded race; `ledger` must be the one `RaceData.load` wrote to.
    public static func build(data: RaceData, ledger: RowIssueLedger) -> RaceReport {
        let entries = AnalysisEntry.group(data.analysisLaps)
        var cars = entries.map { CarReport(entry: $0) }
        var notes: [String] = []

        // Results: position, status, total time; cars only in the results file get a row of their own. Without an
        // overall file (03_/00_), the by-class one (05_) serves: Al Kamel's POS there is the overall position
        // (PIC is the one in class).
        let byClass = data.files.results == nil && !data.resultsByClass.isEmpty
        let unmatched = attachResults(byClass ? data.resultsByClass : data.results, to: &cars)
        for row in unmatched { cars.append(CarReport(resultsOnly: row)) }
        assignOnTrackPositions(&cars)
        let sessionS1 = cars.compactMap(\.bestS1Ms).min()
        let sessionS2 = cars.compactMap(\.bestS2Ms).min()
        let sessionS3 = cars.compactMap(\.bestS3Ms).min()
        for index in cars.indices {
            cars[index].s1DeltaMs = cars[index].bestS1Ms.flatMap { best in sessionS1.map { best - $0 } }
            cars[index].s2DeltaMs = cars[index].bestS2Ms.flatMap { best in sessionS2.map { best - $0 } }
            cars[index].s3DeltaMs = cars[index].bestS3Ms.flatMap { best in sessionS3.map { best - $0 } }
        }
        var sessionPoints: [String: Int64] = [:]
        for point in cars.flatMap(\.bestIntermediates) {
            sessionPoints[point.point] = min(sessionPoints[point.point] ?? .max, point.timeMs)
        }
        for index in cars.indices {
            for slot in cars[index].bestIntermediates.indices {
                let point = cars[index].bestIntermediates[slot]
                cars[index].bestIntermediates[slot].deltaMs = sessionPoints[point.point].map { point.timeMs - $0 }
            }
        }
        var vehicleNotes: [String] = []
        assignVehicles(&cars, entries: entries, data: data, notes: &vehicleNotes)
        cars.sort(by: reportOrder)

        var extraIssues: [BadRowCount] = []
        let files = fileList(data: data, extraIssues: &extraIssues, notes: &notes)
        notes += carNotes(cars)
        notes += vehicleNotes.sorted()

        // The loader's notes, except about vehicles this report matched to one of several same-number cars.
        let sharedNumbers = Dictionary(grouping: cars.filter { $0.lapsCompleted > 0 }, by: \.carNumber)
            .filter { $0.value.count > 1 }
        let rematched = Set(sharedNumbers.values.flatMap { $0.flatMap(\.vehicleIDs) })
        notes += data.mappingNotes.filter { note in !rematched.contains { note.hasPrefix($0 + ":") } }

        let resultsName = (byClass ? data.files.resultsByClass : data.files.results)?.lastPathComponent
        let kind = resultsName.map {
            byClass ? resultsKind($0) + "; results by class, whose POS is the overall position" : resultsKind($0)
        }
        return RaceReport(
            track: trackName(data.files), race: data.files.race, directory: data.files.directory.path,
            utcOffsetHours: Double(data.utcOffsetMs) / 3_600_000, files: files, resultsFile: resultsName,
            resultsKind: kind, cars: cars,
            weather: data.files.weather.map { WeatherSummary(file: $0.lastPathComponent, samples: data.weather) },
            badRows: ledger.counts + extraIssues, notes: notes)
    }

    /// `official`, `provisional`, or `final` for a results file named neither.
    static func resultsKind(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.contains("official") { return "official" }
        return lower.contains("provisional") ? "provisional" : "final"
    }

    /// `barber` for `…/barber`, `cota` for `…/cota/Race 1`.
    static func trackName(_ files: RaceFiles) -> String {
        let folder = files.directory
        if RaceFiles.normalisedRaceFolder(folder.lastPathComponent) != nil {
            return folder.deletingLastPathComponent().lastPathComponent
        }
        return folder.lastPathComponent
    }

    /// A `26_`/weather file in `directory/<any>/Race N/`, for folders that keep it apart.
    static func supplementaryWeather(in directory: URL, race: Int) -> URL? {
        let manager = FileManager.default
        guard let children = try? manager.contentsOfDirectory(atPath: directory.path) else { return nil }
        for child in children.sorted() where RaceFiles.normalisedRaceFolder(child) == nil {
            let parent = directory.appendingPathComponent(child, isDirectory: true)
            guard let races = try? manager.contentsOfDirectory(atPath: parent.path) else { continue }
            for name in races.sorted() where RaceFiles.normalisedRaceFolder(name) == race {
                let folder = parent.appendingPathComponent(name, isDirectory: true)
                let files = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
                if let file = files.sorted().first(where: {
                    let lower = $0.lowercased()
                    return lower.hasSuffix(".csv") && (lower.hasPrefix("26_") || lower.contains("weather"))
                }) {
                    return folder.appendingPathComponent(file)
                }
            }
        }
        return nil
    }

    // MARK: - Results

    /// Pairs results rows with cars: same label first, then same number; among candidates the row
    /// whose laps, fastest lap (`FL_LAPNUM`/`FL_TIME` present among the car's laps) and total time fit
    /// best. Returns the rows no car took.
    static func attachResults(_ rows: [ResultRow], to cars: inout [CarReport]) -> [ResultRow] {
        var pairs: [(cost: Double, car: Int, row: Int)] = []
        for (rowIndex, row) in rows.enumerated() {
            for (carIndex, car) in cars.enumerated() where car.carNumber == row.carNumber {
                var cost = car.carLabel == row.carLabel ? 0.0 : 1e12
                if row.laps != car.lapsCompleted { cost += 1e9 }
                if let number = row.bestLapNumber,
                    !car.laps.contains(where: {
                        $0.lap == number && $0.lapTimeMs == row.bestLapMs
                    })
                {
                    cost += 1e6
                }
                cost += Double(abs((row.totalTimeMs ?? 0) - (car.raceTimeMs ?? 0)))
                pairs.append((cost, carIndex, rowIndex))
            }
        }

        var carTaken = Set<Int>()
        var rowTaken = Set<Int>()
        for pair in pairs.sorted(by: { ($0.cost, $0.row, $0.car) < ($1.cost, $1.row, $1.car) }) {
            guard !carTaken.contains(pair.car), !rowTaken.contains(pair.row) else { continue }
            carTaken.insert(pair.car)
            rowTaken.insert(pair.row)
            cars[pair.car].attach(rows[pair.row])
        }
        return rows.indices.filter { !rowTaken.contains($0) }.map { rows[$0] }
    }

    /// Place on the road: more laps first, then the shorter race time.
    static func assignOnTrackPositions(_ cars: inout [CarReport]) {
        let running = cars.indices.filter { cars[$0].lapsCompleted > 0 }.sorted {
            let left = cars[$0]
            let right = cars[$1]
            return (-left.lapsCompleted, left.raceTimeMs ?? .max, left.displayName)
                < (-right.lapsCompleted, right.raceTimeMs ?? .max, right.displayName)
        }
        for (place, index) in running.enumerated() { cars[index].onTrackPosition = place + 1 }
    }

    static func reportOrder(_ left: CarReport, _ right: CarReport) -> Bool {
        (left.finishingPosition ?? .max, left.onTrackPosition ?? .max, left.displayName)
            < (right.finishingPosition ?? .max, right.onTrackPosition ?? .max, right.displayName)
    }

    // MARK: - Vehicles

    /// Vehicle ids per car. A number only one car carries takes the race's vehicle mapping as is.
    /// Cars sharing a number (indianapolis `3`/`03`, cota's two `3`s) share out the vehicles of that
    /// number by crossing times: a vehicle fits a car when, for at least half of the car's crossings,
    /// the nearest lap_end lies within 1 s of one constant offset (at most 30 s; cota's two `3`s sit
    /// 7.5 s from their lap_end events). Best fit first, one vehicle per car.
    static func assignVehicles(
        _ cars: inout [CarReport], entries: [AnalysisEntry], data: RaceData, notes: inout [String]
    ) {
        var carsByNumber: [Int: [Int]] = [:]
        for index in cars.indices where cars[index].lapsCompleted > 0 {
            carsByNumber[cars[index].carNumber, default: []].append(index)
        }
        for (number, indices) in carsByNumber where indices.count == 1 {
            cars[indices[0]].vehicleIDs = data.vehicleIDs(forCar: number)
        }

        let shared = carsByNumber.filter { $0.value.count > 1 }
        guard !shared.isEmpty, !data.lapEnds.isEmpty else { return }
        var endsByVehicle: [String: [Int64]] = [:]
        for event in data.lapEnds { endsByVehicle[event.vehicleID, default: []].append(event.timestampMs) }
        for key in endsByVehicle.keys { endsByVehicle[key]!.sort() }

        for (number, indices) in shared.sorted(by: { $0.key < $1.key }) {
            let candidates = endsByVehicle.keys.filter { vehicle in
                data.carByVehicle[vehicle] == number
                    || data.lapEnds.contains { $0.vehicleID == vehicle && $0.carNumber == number }
            }

            // Score every (car, vehicle) pair by how many crossings share one offset to the lap_end events.
            var fits: [(hits: Int, offset: Int64, car: Int, vehicle: String)] = []
            for index in indices {
                let crossings = crossingInstants(of: cars[index], in: data)
                for vehicle in candidates {
                    let offsets = crossings.map { signedNearest($0, in: endsByVehicle[vehicle]!) }.sorted()
                    guard !offsets.isEmpty else { continue }
                    let offset = offsets[offsets.count / 2]
                    let hits = offsets.filter { abs($0 - offset) <= 1_000 }.count
                    if abs(offset) <= 30_000, hits * 2 >= crossings.count {
                        fits.append((hits, offset, index, vehicle))
                    }
                }
            }

            var carTaken = Set<Int>()
            var vehicleTaken = Set<String>()
            let ranked = fits.sorted { ($0.hits, -abs($0.offset), $1.vehicle) > ($1.hits, -abs($1.offset), $0.vehicle) }
            for fit in ranked where !carTaken.contains(fit.car) && !vehicleTaken.contains(fit.vehicle) {
                carTaken.insert(fit.car)
                vehicleTaken.insert(fit.vehicle)
                cars[fit.car].vehicleIDs = [fit.vehicle]
                notes.append(
                    "car \(cars[fit.car].displayName) is \(fit.vehicle): \(fit.hits) of \(cars[fit.car].lapsCompleted) "
                        + "crossings match its lap_end events at a constant \(LapTimeText.delta(fit.offset)) s")
            }
            for index in indices where !carTaken.contains(index) { cars[index].vehicleIDs = [] }
        }
    }

    /// UTC crossings of a car's laps: the loaded `LapRecord`s with its number, lap, lap time and elapsed.
    static func crossingInstants(of car: CarReport, in data: RaceData) -> [Int64] {
        let keys = Set(car.laps.map { "\($0.lap)#\($0.lapTimeMs)#\($0.elapsedMs ?? -1)" })
        return data.laps.filter { lap in
            lap.carNumber == car.carNumber && keys.contains("\(lap.lap)#\(lap.lapTimeMs ?? -1)#\(lap.elapsedMs ?? -1)")
        }.map(\.crossedMs)
    }

    /// The nearest element of sorted `values` minus `value` (Int64.max when empty).
    static func signedNearest(_ value: Int64, in sorted: [Int64]) -> Int64 {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        var best = Int64.max
        for index in [low - 1, low] where index >= 0 && index < sorted.count {
            let difference = sorted[index] - value
            if abs(difference) < abs(best) || best == .max { best = difference }
        }
        return best
    }
}
