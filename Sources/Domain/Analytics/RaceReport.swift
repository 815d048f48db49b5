import Foundation

/// The post-race review of one race directory (`roadsense report DIR --race N`): per car laps, best
/// lap, theoretical best, top speed, flags, pit laps and finishing position; per race the files used,
/// weather and the rows RoadSense rejected. Codable, so the CLI can print it with `JSONEncoder`.
///
/// Build it with `RaceReport.build(directory:race:)` or, from data already loaded, with
/// `RaceReport.build(data:ledger:)`; print it with `text()` or `json()`.
public struct RaceReport: Codable, Sendable, Equatable {
    /// The track folder's name (`barber`, `road-america`).
    public var track: String
    public var race: Int
    /// The folder the race's files were read from.
    public var directory: String
    /// `HOUR` local time minus UTC in the analysis file, in hours (barber −5).
    public var utcOffsetHours: Double
    public var files: [ReportFile]
    /// The results file behind `finishingPosition` and `status`; nil when the folder has none.
    public var resultsFile: String?
    /// `official`, `final` (no qualifier in the name; sonoma's `03_Results_Anonymized.CSV`) or `provisional`.
    public var resultsKind: String?
    /// Sorted by finishing position, then on-track position, then label; non-starters last.
    public var cars: [CarReport]
    public var weather: WeatherSummary?
    /// Every bad or ignored row per file, kind and reason.
    public var badRows: [BadRowCount]
    /// Things the engineer should know: penalties, lap-file vehicle mapping, the organisers disagreeing.
    public var notes: [String]

    public init(
        track: String, race: Int, directory: String, utcOffsetHours: Double, files: [ReportFile],
        resultsFile: String?, resultsKind: String?, cars: [CarReport], weather: WeatherSummary?,
        badRows: [BadRowCount], notes: [String]
    ) {
        self.track = track
        self.race = race
        self.directory = directory
        self.utcOffsetHours = utcOffsetHours
        self.files = files
        self.resultsFile = resultsFile
        self.resultsKind = resultsKind
        self.cars = cars
        self.weather = weather
        self.badRows = badRows
        self.notes = notes
    }

    /// Bad or ignored rows over all files.
    public var badRowTotal: Int { badRows.reduce(0) { $0 + $1.count } }

    /// The car with this label (and entry, for labels two cars share).
    public func car(_ label: String, entry: Int? = nil) -> CarReport? {
        cars.first { $0.carLabel == label && (entry == nil || $0.entry == entry) }
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
