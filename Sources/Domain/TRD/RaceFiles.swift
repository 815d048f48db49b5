import Foundation

/// The files of one race found in a track directory, whatever naming variant the track uses.
public struct RaceFiles: Sendable, Equatable {
    /// The folder the files were taken from (`DIR/Race N` when that sub-folder exists).
    public var directory: URL
    public var race: Int
    public var telemetry: [URL] = []
    public var lapStart: URL?
    public var lapEnd: URL?
    public var lapTime: URL?
    public var analysis: URL?
    public var weather: URL?
    /// Official results preferred over an unqualified name, preferred over provisional.
    public var results: URL?
    public var resultsByClass: URL?
    public var bestLaps: URL?

    public init(directory: URL, race: Int) {
        self.directory = directory
        self.race = race
    }

    /// Finds race `race`'s files in `directory`.
    ///
    /// If `directory` has a `Race N` sub-folder (cota, sonoma, ...) that folder is searched and files
    /// without a race number in their name (`03_Results_Anonymized.CSV`) belong to it; otherwise
    /// (flat barber/indianapolis folders) a file must name the race: `R1_…`, `…_R1.csv`,
    /// `… Race 1…`, `…_ Race 2…`, `…__Race_2…`. File kinds are recognised by prefix and keywords
    /// (`lap_start`, `lap_end`, `lap_time`, `telemetry`, `23_`, `26_`, `03_`/`00_`, `05_`, `99_`).
    /// - Throws: `TRDError` when the directory is missing or unreadable, or has neither an analysis
    ///   nor a lap_end file for the race.
    public static func locate(directory: URL, race: Int) throws -> RaceFiles {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TRDError(
                code: .fileMissing, reason: "race directory not found", file: directory.path,
                remedy: "pass the track folder, e.g. shared/data/trd/barber")
        }

        // Use the `Race N` sub-folder when there is one.
        var folder = directory
        var subfolderUsed = false
        let topNames: [String]
        do {
            topNames = try manager.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw TRDError(
                code: .unreadable, reason: "cannot list race directory (\(error.localizedDescription))",
                file: directory.path, remedy: "check directory permissions")
        }
        if let sub = topNames.first(where: { normalisedRaceFolder($0) == race }) {
            folder = directory.appendingPathComponent(sub, isDirectory: true)
            subfolderUsed = true
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw TRDError(
                code: .unreadable, reason: "cannot list race directory (\(error.localizedDescription))",
                file: folder.path, remedy: "check directory permissions")
        }

        var files = RaceFiles(directory: folder, race: race)
        var resultsScore = -1
        var byClassScore = -1
        for name in names {
            let lower = name.lowercased()
            guard lower.hasSuffix(".csv") else { continue }
            let named = raceNumber(inFileName: lower)
            if subfolderUsed {
                if let named, named != race { continue }
            } else if named != race {
                continue
            }
            let url = folder.appendingPathComponent(name)
            // Official beats an unqualified name (sonoma's final `03_Results_Anonymized.CSV`), which beats
            // `Provisional`: sonoma R2's final file applies a penalty its provisional file lacks.
            let official = lower.contains("official") ? 2 : (lower.contains("provisional") ? 0 : 1)

            if lower.contains("telemetry") {
                files.telemetry.append(url)
            } else if let kind = LapEvent.Kind(fileName: lower) {
                switch kind {
                case .start: files.lapStart = url
                case .end: files.lapEnd = url
                case .time: files.lapTime = url
                }
            } else if lower.hasPrefix("23_") || lower.contains("analysisendurance") {
                files.analysis = url
            } else if lower.hasPrefix("26_") || lower.contains("weather") {
                files.weather = url
            } else if lower.hasPrefix("99_") || lower.contains("best 10") {
                files.bestLaps = url
            } else if lower.hasPrefix("05_") || lower.contains("by class") {
                if official > byClassScore {
                    files.resultsByClass = url
                    byClassScore = official
                }
            } else if lower.hasPrefix("03_") || lower.hasPrefix("00_") {
                if official > resultsScore {
                    files.results = url
                    resultsScore = official
                }
            }
        }

        guard files.analysis != nil || files.lapEnd != nil else {
            throw TRDError(
                code: .raceFilesMissing,
                reason: "no analysis (23_…) and no lap_end file for race \(race) among \(names.count) files",
                file: folder.path, remedy: "check the race number and that the track folder is complete")
        }
        return files
    }

    /// 1 for `Race 1`, `race_1`, `RACE 1`; nil for anything else.
    static func normalisedRaceFolder(_ name: String) -> Int? {
        let lower = name.lowercased().replacingOccurrences(of: "_", with: " ")
        guard lower.hasPrefix("race "), let number = Int(lower.dropFirst(5).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return number
    }

    /// The race a file name states: `r1_…`, `…_r1.csv`, `…_r1_…`, `race 1`, `race_1`, `_ race 2`; nil if none.
    static func raceNumber(inFileName lower: String) -> Int? {
        let characters = Array(lower)
        func number(at index: Int) -> Int? {
            var end = index
            while end < characters.count, characters[end].isNumber { end += 1 }
            guard end > index else { return nil }
            return Int(String(characters[index..<end]))
        }

        // `race 1`, `race_1`, `race  1`.
        if let range = lower.range(of: "race") {
            var index = lower.distance(from: lower.startIndex, to: range.upperBound)
            while index < characters.count, characters[index] == " " || characters[index] == "_" { index += 1 }
            if let value = number(at: index) { return value }
        }

        // `r1` standing alone between separators: `r1_barber…`, `…_r1.csv`.
        for index in characters.indices where characters[index] == "r" {
            let before = index == 0 ? "_" : characters[index - 1]
            guard before == "_" || before == " " || before == "-" else { continue }
            var end = index + 1
            while end < characters.count, characters[end].isNumber { end += 1 }
            guard end > index + 1, end < characters.count else { continue }
            let after = characters[end]
            if after == "_" || after == "." || after == " " || after == "-" { return number(at: index + 1) }
        }
        return nil
    }
}
