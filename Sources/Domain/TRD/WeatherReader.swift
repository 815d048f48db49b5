import Foundation

/// Reads an Al Kamel `26_Weather` file into `WeatherSample`s, using `TIME_UTC_SECONDS`.
///
/// Each reading must lie in its plausible range (`plausibleRanges`; the real data of all seven tracks,
/// 2025, spans air 11.5–34.7 °C, track 0–50.8 °C, humidity 43.7–94.8 %, pressure 976.8–1013.7 hPa,
/// wind 0.36–23.8 km/h, direction 0–359°, RAIN 0):
///
/// | column | range |
/// |---|---|
/// | `AIR_TEMP` | −50 … 60 °C |
/// | `TRACK_TEMP` | −50 … 90 °C |
/// | `HUMIDITY` | 0 … 100 % |
/// | `PRESSURE` | 800 … 1100 hPa |
/// | `WIND_SPEED` | 0 … 300 km/h |
/// | `WIND_DIRECTION` | 0 … 360° |
/// | `RAIN` | 0 or 1 |
///
/// A reading outside its range, or NaN/infinite, reads as nil (no rain for `RAIN`) and is counted
/// `implausible <column>`; a non-numeric one reads as nil and is counted `bad <column>`; the row is kept.
/// An empty reading is nil and not counted. `TRACK_TEMP` of `-999`/`-999.0` reads as nil (counted
/// `track temperature sentinel -999`); a `TRACK_TEMP` that is 0 in every row (barber: no sensor) reads
/// as nil everywhere and is counted once as `constant 0 track temperature (sensor absent)`.
///
/// A row of another width than the header follows `FieldCountRule` (a row missing `RAIN` is dropped: it was cut).
/// Rows are skipped when `TIME_UTC_SECONDS` is not a positive number (`bad TIME_UTC_SECONDS`), does not
/// fit `Int64` milliseconds (`out of range TIME_UTC_SECONDS`), or is outside the years 2000–2100
/// (`implausible TIME_UTC_SECONDS`, see `TRDTime.plausibleInstantMs`).
public enum WeatherReader {
    public static let kind = "weather"

    /// Plausible range of each numeric weather column.
    public static let plausibleRanges: [String: ClosedRange<Double>] = [
        "AIR_TEMP": -50...60, "TRACK_TEMP": -50...90, "HUMIDITY": 0...100, "PRESSURE": 800...1100,
        "WIND_SPEED": 0...300, "WIND_DIRECTION": 0...360,
    ]
    /// The track-temperature value the station writes when it has no reading.
    static let trackSentinel: Double = -999

    /// What one pass over a (growing) weather file read, and where the next pass resumes.
    public struct Pass: Sendable {
        public var samples: [WeatherSample]
        /// The file line of each sample (`rows[i]` is where `samples[i]` came from; the header is line 1).
        public var rows: [Int]
        /// Just past the last whole line read (`FilePosition`).
        public var position: FilePosition
        /// Bytes of a last line without LF left for the next pass (with `wholeLinesOnly`).
        public var unfinishedBytes: Int
    }

    /// Reads the whole file.
    /// - Throws: `TRDError` when the file cannot be opened or lacks `TIME_UTC_SECONDS`.
    public static func read(url: URL, ledger: RowIssueLedger) throws -> [WeatherSample] {
        try read(url: url, ledger: ledger, from: nil).samples
    }

    /// `read`, with the file line of each sample (`rows[i]` is where `samples[i]` came from; the header is
    /// line 1), so a later check on a sample can name its row.
    public static func readRows(url: URL, ledger: RowIssueLedger) throws -> (samples: [WeatherSample], rows: [Int]) {
        let pass = try read(url: url, ledger: ledger, from: nil)
        return (pass.samples, pass.rows)
    }

    /// Reads the rows from `start` on (a position an earlier pass returned; nil = the first data row), with row
    /// numbers that still count from the top of the file, so a bad row anywhere shifts nothing.
    ///
    /// The constant-0 track-temperature rule then covers every row up to the end of this pass: a resumed pass reads
    /// `TRACK_TEMP` of the rows before `start` again (a weather file is a few hundred rows) and reads its own 0s as
    /// missing only while no earlier row had a non-zero track temperature. (Rows stored by earlier passes as missing
    /// stay so if the sensor reports later.) `wholeLinesOnly` leaves a last line without LF — one the station is still
    /// writing — for the next pass.
    /// - Throws: `TRDError` when the file cannot be opened or lacks `TIME_UTC_SECONDS`.
    public static func read(
        url: URL, ledger: RowIssueLedger, from start: FilePosition?, wholeLinesOnly: Bool = false
    ) throws -> Pass {
        let file = try CSVFile(url: url, from: start, wholeLinesOnly: wholeLinesOnly)
        defer { file.close() }
        let name = file.fileName
        let timeColumn = try file.requireColumn("TIME_UTC_SECONDS")
        let track = file.column("TRACK_TEMP")
        let rain = file.column("RAIN")
        let columns = plausibleRanges.keys.reduce(into: [String: Int]()) { $0[$1] = file.column($1) }

        func bad(_ reason: String, _ row: Int, _ field: String, _ detail: String) {
            ledger.record(file: name, kind: kind, reason: reason, row: row, field: field, detail: detail)
        }
        /// One reading: nil when empty, non-numeric, non-finite or outside its range (the last three counted).
        func reading(_ record: CSVRecord, _ field: String) -> Double? {
            let text = record[columns[field]].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard let value = Double(text) else {
                bad("bad \(field)", record.line, field, "'\(text)' is not a number")
                return nil
            }
            if field == "TRACK_TEMP", value <= trackSentinel { return nil }  // counted as the sentinel below
            guard value.isFinite, let range = plausibleRanges[field], range.contains(value) else {
                let limits = plausibleRanges[field].map { " (\(format($0.lowerBound))…\(format($0.upperBound)))" }
                bad("implausible \(field)", record.line, field, "'\(text)' is implausible\(limits ?? "")")
                return nil
            }
            return value
        }

        var samples: [WeatherSample] = []
        var rows: [Int] = []
        var allTrackZero = true
        if let start, let track { allTrackZero = !trackTemperatureSeen(url, column: track, before: start) }
        var firstRow = 0
        let read = [timeColumn, track, rain] + Array(columns.values)
        for record in file {
            guard file.acceptFieldCount(record, reading: read, kind: kind, ledger: ledger) else { continue }
            let row = record.line
            guard let timeMs = timeMs(record[timeColumn], row: row, bad: bad) else { continue }

            if firstRow == 0 { firstRow = row }
            let rawTrack = Double(record[track].trimmingCharacters(in: .whitespaces))
            if rawTrack != 0 { allTrackZero = false }
            if let rawTrack, rawTrack <= trackSentinel {
                bad("track temperature sentinel -999", row, "TRACK_TEMP", "'\(record[track])' read as missing")
            }

            // RAIN is a flag: 0 or 1, anything else is counted and read as no rain.
            let rainText = record[rain].trimmingCharacters(in: .whitespaces)
            let rainValue = rainText.isEmpty ? 0 : Double(rainText)
            if rainValue == nil {
                bad("bad RAIN", row, "RAIN", "'\(rainText)' is not a number")
            } else if rainValue != 0, rainValue != 1 {
                bad("implausible RAIN", row, "RAIN", "'\(rainText)' is implausible (0 or 1)")
            }
            rows.append(row)
            samples.append(
                WeatherSample(
                    timeMs: timeMs, airTempC: reading(record, "AIR_TEMP"), trackTempC: reading(record, "TRACK_TEMP"),
                    humidityPct: reading(record, "HUMIDITY"), pressureHPa: reading(record, "PRESSURE"),
                    windSpeedKph: reading(record, "WIND_SPEED"), windDirectionDeg: reading(record, "WIND_DIRECTION"),
                    rain: rainValue == 1))
        }

        // A track temperature of exactly 0 in every row is an absent sensor, not a cold track.
        if allTrackZero, !samples.isEmpty, track != nil {
            for index in samples.indices { samples[index].trackTempC = nil }
            ledger.record(
                file: name, kind: kind, reason: "constant 0 track temperature (sensor absent)", row: firstRow,
                field: "TRACK_TEMP", detail: "TRACK_TEMP is 0 in all \(samples.count) rows; read as missing")
        }
        return Pass(samples: samples, rows: rows, position: file.position, unfinishedBytes: file.unfinishedBytes)
    }

    /// True when a row before `start` has a `TRACK_TEMP` other than 0, as `read` judges it (a row of the header's
    /// width with a Unix time; an empty or non-numeric reading counts as not 0, as there).
    private static func trackTemperatureSeen(_ url: URL, column: Int, before start: FilePosition) -> Bool {
        guard let file = try? CSVFile(url: url), let timeColumn = file.column("TIME_UTC_SECONDS") else { return false }
        defer { file.close() }
        while let record = file.next(), record.line <= start.line {
            guard record.fields.count >= file.header.count,
                let seconds = Double(record[timeColumn].trimmingCharacters(in: .whitespaces)), seconds > 0
            else { continue }
            if Double(record[column].trimmingCharacters(in: .whitespaces)) != 0 { return true }
        }
        return false
    }

    /// `TIME_UTC_SECONDS` as ms, checked: nil (and counted through `bad`) when it is not a positive number,
    /// overflows `Int64` milliseconds, or falls outside the years 2000–2100.
    private static func timeMs(
        _ raw: String, row: Int, bad: (String, Int, String, String) -> Void
    ) -> Int64? {
        let field = "TIME_UTC_SECONDS"
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            bad("bad \(field)", row, field, "'\(text)' is not a Unix time")
            return nil
        }
        guard let ms = TRDTime.milliseconds(fromSeconds: seconds) else {
            bad("out of range \(field)", row, field, "'\(text)' is out of range")
            return nil
        }
        guard TRDTime.isPlausibleInstant(ms) else {
            bad("implausible \(field)", row, field, "'\(text)' is implausible (years 2000–2100)")
            return nil
        }
        return ms
    }

    /// `-50`, `0.5`: a range bound for a bad-row example.
    private static func format(_ value: Double) -> String {
        Int(exactly: value).map(String.init) ?? String(value)
    }
}
