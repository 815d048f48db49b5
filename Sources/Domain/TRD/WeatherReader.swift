import Foundation

/// Reads an Al Kamel `26_Weather` file into `WeatherSample`s, using `TIME_UTC_SECONDS`.
///
/// `TRACK_TEMP` of `-999`/`-999.0` reads as nil (counted `track temperature sentinel -999`); a
/// `TRACK_TEMP` that is 0 in every row (barber: no sensor) reads as nil everywhere and is counted
/// once as `constant 0 track temperature (sensor absent)`. `RAIN` other than 0 means rain.
/// Rows without a usable `TIME_UTC_SECONDS` are counted `bad TIME_UTC_SECONDS` and skipped.
public enum WeatherReader {
    public static let kind = "weather"

    /// - Throws: `TRDError` when the file cannot be opened or lacks `TIME_UTC_SECONDS`.
    public static func read(url: URL, ledger: RowIssueLedger) throws -> [WeatherSample] {
        let file = try CSVFile(url: url)
        defer { file.close() }
        let name = file.fileName
        let timeColumn = try file.requireColumn("TIME_UTC_SECONDS")
        let air = file.column("AIR_TEMP")
        let track = file.column("TRACK_TEMP")
        let humidity = file.column("HUMIDITY")
        let pressure = file.column("PRESSURE")
        let windSpeed = file.column("WIND_SPEED")
        let windDirection = file.column("WIND_DIRECTION")
        let rain = file.column("RAIN")

        func number(_ record: CSVRecord, _ column: Int?) -> Double? {
            guard let value = Double(record[column].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                return nil
            }
            return value <= -999 ? nil : value
        }

        var samples: [WeatherSample] = []
        var allTrackZero = true
        var firstRow = 0
        for record in file {
            guard let seconds = Double(record[timeColumn].trimmingCharacters(in: .whitespaces)), seconds > 0 else {
                ledger.record(
                    file: name, kind: kind, reason: "bad TIME_UTC_SECONDS", row: record.line, field: "TIME_UTC_SECONDS",
                    detail: "'\(record[timeColumn])' is not a Unix time")
                continue
            }
            if firstRow == 0 { firstRow = record.line }
            let rawTrack = Double(record[track].trimmingCharacters(in: .whitespaces))
            if rawTrack != 0 { allTrackZero = false }
            if let rawTrack, rawTrack <= -999 {
                ledger.record(
                    file: name, kind: kind, reason: "track temperature sentinel -999", row: record.line,
                    field: "TRACK_TEMP", detail: "'\(record[track])' read as missing")
            }
            let rainValue = Double(record[rain].trimmingCharacters(in: .whitespaces)) ?? 0
            samples.append(
                WeatherSample(
                    timeMs: Int64((seconds * 1000).rounded()), airTempC: number(record, air),
                    trackTempC: number(record, track), humidityPct: number(record, humidity),
                    pressureHPa: number(record, pressure), windSpeedKph: number(record, windSpeed),
                    windDirectionDeg: number(record, windDirection), rain: rainValue != 0))
        }

        // A track temperature of exactly 0 in every row is an absent sensor, not a cold track.
        if allTrackZero, !samples.isEmpty, track != nil {
            for index in samples.indices { samples[index].trackTempC = nil }
            ledger.record(
                file: name, kind: kind, reason: "constant 0 track temperature (sensor absent)", row: firstRow,
                field: "TRACK_TEMP", detail: "TRACK_TEMP is 0 in all \(samples.count) rows; read as missing")
        }
        return samples
    }
}
