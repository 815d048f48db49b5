import Foundation

/// One finished race's laps, per car, as the pace model trains and is evaluated on them.
///
/// Read from the Al Kamel `23_AnalysisEndurance…` file alone (lap times, flags, pit crossings and
/// `PIT_TIME` are all there). A car label whose lap numbers start again from a lower number in file
/// order is two cars that anonymisation merged (`03` and `3`, SOURCES.md item 30); the second block
/// becomes car `3'`, so no sequence interleaves two cars.
public struct HistoricalRace: Sendable {
    /// `barber R1`, `cota R2`: the track folder's name and the race number.
    public var name: String
    /// Car key → its laps in lap order, as `LapRecord`s whose `vehicleID` is the car key.
    public var cars: [String: [LapRecord]]

    public init(name: String, cars: [String: [LapRecord]]) {
        self.name = name
        self.cars = cars
    }

    /// Every lap of every car.
    public var laps: [LapRecord] { cars.keys.sorted().flatMap { cars[$0] ?? [] } }

    /// Each car's laps, cars in key order: sums over cars come out the same to the last bit in every process (a
    /// dictionary's order is not).
    var carsInOrder: [[LapRecord]] { cars.keys.sorted().compactMap { cars[$0] } }

    /// Scheduled length: the most laps any car completed.
    public var raceLaps: Int { cars.values.compactMap { $0.last?.lap }.max() ?? 0 }

    /// Reads race `race` of `directory`.
    /// - Throws: `TRDError` when the race has no analysis file or it cannot be read.
    public static func load(directory: URL, race: Int, ledger: RowIssueLedger) throws -> HistoricalRace {
        let files = try RaceFiles.locate(directory: directory, race: race)
        guard let analysis = files.analysis else {
            throw TRDError(
                code: .raceFilesMissing, reason: "no 23_AnalysisEndurance… file for race \(race)",
                file: files.directory.path, remedy: "the pace model trains on the Al Kamel analysis file")
        }
        let rows = try AnalysisReader.read(url: analysis, ledger: ledger)
        let track = directory.standardizedFileURL.lastPathComponent
        return HistoricalRace(name: "\(track) R\(race)", rows: rows)
    }

    /// Every race found in each directory: race 1 and race 2 of a track folder (a folder with
    /// `Race N/` sub-folders or a flat one naming both), or the one race a `Race N` folder holds.
    /// - Throws: `TRDError` naming the directory when it holds no race at all.
    public static func loadAll(directories: [URL], ledger: RowIssueLedger) throws -> [HistoricalRace] {
        var races: [HistoricalRace] = []
        for directory in directories {
            var found = 0
            if let race = RaceFiles.normalisedRaceFolder(directory.standardizedFileURL.lastPathComponent) {
                races.append(try load(directory: directory.deletingLastPathComponent(), race: race, ledger: ledger))
                continue
            }
            for race in 1...2 {
                do {
                    races.append(try load(directory: directory, race: race, ledger: ledger))
                    found += 1
                } catch let error as TRDError where error.code == .raceFilesMissing && found > 0 {
                    continue
                }
            }
        }
        return races
    }

    init(name: String, rows: [AnalysisLap]) {
        var cars: [String: [LapRecord]] = [:]
        var blocks: [String: (key: String, lastLap: Int, count: Int)] = [:]
        for row in rows {
            var block = blocks[row.carLabel] ?? (key: row.carLabel, lastLap: 0, count: 1)
            if row.lap <= block.lastLap {
                block.count += 1
                block.key = row.carLabel + String(repeating: "'", count: block.count - 1)
            }
            block.lastLap = row.lap
            blocks[row.carLabel] = block
            cars[block.key, default: []].append(
                LapRecord(
                    vehicleID: block.key, carNumber: row.carNumber, lap: row.lap, lapTimeMs: row.lapTimeMs,
                    crossedMs: row.elapsedMs ?? 0, elapsedMs: row.elapsedMs, flag: row.flag, pitIn: row.pitIn,
                    pitTimeMs: row.pitTimeMs, source: .analysis))
        }
        self.name = name
        self.cars = cars.mapValues { $0.sorted { $0.lap < $1.lap } }
    }
}
