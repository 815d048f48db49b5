import Foundation

/// Reads an Al Kamel `23_AnalysisEnduranceWithSections` file (all dialects: `IM`/`INT-` columns,
/// the indianapolis 42-column BOM + CRLF + trailing `;` form, spaces in the header).
///
/// Bad rows go to the ledger under kind `analysis`:
/// - `bad NUMBER` / `bad LAP_NUMBER` / `bad LAP_TIME` / `bad HOUR` — skipped.
/// - `bad sector time` / `bad KPH` / `bad TOP_SPEED` / `bad ELAPSED` / `bad PIT_TIME` — field read as nil, row kept.
/// - `duplicate (NUMBER, LAP_NUMBER)` — kept (anonymisation merged `03` and `3`, SOURCES.md item 30).
/// - `implausible LAP_TIME` — a lap of a day or more; skipped.
/// - `implausible sector time` / `implausible ELAPSED` / `implausible PIT_TIME` — a day or more;
///   `implausible KPH` / `implausible TOP_SPEED` — outside `plausibleSpeedKph` or not finite. Field read as
///   nil, row kept.
/// Empty sectors and empty `TOP_SPEED` are normal and not counted. Durations are parsed with checked
/// arithmetic (`TRDTime.parseDuration`), so no value traps. The real files (all tracks, 2025) reach
/// LAP_TIME 1234.5 s, S1 1129.7 s, ELAPSED 2926.1 s, PIT_TIME 1126.5 s, KPH 154.6, TOP_SPEED 222.2 km/h.
public enum AnalysisReader {
    public static let kind = "analysis"
    /// Longest plausible lap, sector, pit or elapsed time: one day.
    public static let maximumDurationMs: Int64 = TRDTime.dayMs
    /// Plausible `KPH` and `TOP_SPEED`.
    public static let plausibleSpeedKph: ClosedRange<Double> = 0...400

    /// - Throws: `TRDError` when the file cannot be opened or lacks NUMBER, LAP_NUMBER, LAP_TIME or HOUR.
    public static func read(url: URL, ledger: RowIssueLedger) throws -> [AnalysisLap] {
        let file = try CSVFile(url: url)
        defer { file.close() }
        let name = file.fileName
        let numberColumn = try file.requireColumn("NUMBER")
        let lapColumn = try file.requireColumn("LAP_NUMBER")
        let lapTimeColumn = try file.requireColumn("LAP_TIME")
        let hourColumn = try file.requireColumn("HOUR")
        let s1Column = file.column("S1")
        let s2Column = file.column("S2")
        let s3Column = file.column("S3")
        let kphColumn = file.column("KPH")
        let elapsedColumn = file.column("ELAPSED")
        let topSpeedColumn = file.column("TOP_SPEED")
        let pitColumn = file.column("CROSSING_FINISH_LINE_IN_PIT")
        let pitTimeColumn = file.column("PIT_TIME")
        let flagColumn = file.column("FLAG_AT_FL")

        func bad(_ reason: String, _ row: Int, _ field: String, _ value: String) {
            ledger.record(
                file: name, kind: kind, reason: reason, row: row, field: field, detail: "'\(value)' \(reason)")
        }
        /// An optional field: empty → nil silently, unparseable or implausible → nil and counted.
        func optional<T>(
            _ column: Int?, _ field: String, _ record: CSVRecord, _ parse: (String) -> T?,
            plausible: (T) -> Bool
        ) -> T? {
            let text = record[column].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard let value = parse(text) else {
                bad("bad \(field)", record.line, field, text)
                return nil
            }
            guard plausible(value) else {
                bad("implausible \(field)", record.line, field, text)
                return nil
            }
            return value
        }
        func duration(_ column: Int?, _ field: String, _ record: CSVRecord) -> Int64? {
            optional(column, field, record, TRDTime.parseDuration) { $0 < maximumDurationMs }
        }
        func speed(_ column: Int?, _ field: String, _ record: CSVRecord) -> Double? {
            let parse: (String) -> Double? = { Double($0) }
            return optional(column, field, record, parse) { $0.isFinite && plausibleSpeedKph.contains($0) }
        }

        var laps: [AnalysisLap] = []
        var seen: Set<String> = []
        for record in file {
            let row = record.line
            let label = record[numberColumn].trimmingCharacters(in: .whitespaces)
            guard let number = Int(label), number >= 0 else {
                bad("bad NUMBER", row, "NUMBER", label)
                continue
            }
            guard let lap = Int(record[lapColumn].trimmingCharacters(in: .whitespaces)), lap > 0 else {
                bad("bad LAP_NUMBER", row, "LAP_NUMBER", record[lapColumn])
                continue
            }
            guard let lapTime = TRDTime.parseDuration(record[lapTimeColumn]), lapTime > 0 else {
                bad("bad LAP_TIME", row, "LAP_TIME", record[lapTimeColumn])
                continue
            }
            guard lapTime < maximumDurationMs else {
                bad("implausible LAP_TIME", row, "LAP_TIME", record[lapTimeColumn])
                continue
            }
            guard let hour = TRDTime.parseDuration(record[hourColumn]), hour < TRDTime.dayMs else {
                bad("bad HOUR", row, "HOUR", record[hourColumn])
                continue
            }
            if !seen.insert("\(number)#\(lap)").inserted {
                ledger.record(
                    file: name, kind: kind, reason: "duplicate (NUMBER, LAP_NUMBER)", row: row, field: "NUMBER",
                    detail: "car \(label) lap \(lap) appears twice (leading zeros lost?); both kept")
            }
            laps.append(
                AnalysisLap(
                    carNumber: number, carLabel: label, lap: lap, lapTimeMs: lapTime,
                    s1Ms: duration(s1Column, "sector time", record),
                    s2Ms: duration(s2Column, "sector time", record),
                    s3Ms: duration(s3Column, "sector time", record),
                    kph: speed(kphColumn, "KPH", record),
                    elapsedMs: duration(elapsedColumn, "ELAPSED", record),
                    hourOfDayMs: hour,
                    topSpeedKph: speed(topSpeedColumn, "TOP_SPEED", record),
                    pitIn: record[pitColumn].trimmingCharacters(in: .whitespaces) == "B",
                    pitTimeMs: duration(pitTimeColumn, "PIT_TIME", record),
                    flag: record[flagColumn].trimmingCharacters(in: .whitespaces), row: row))
        }
        return laps
    }
}
