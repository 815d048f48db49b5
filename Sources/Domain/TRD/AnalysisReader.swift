import Foundation

/// Reads an Al Kamel `23_AnalysisEnduranceWithSections` file (all dialects: `IM`/`INT-` columns,
/// the indianapolis 42-column BOM + CRLF + trailing `;` form, spaces in the header).
///
/// Bad rows go to the ledger under kind `analysis`:
/// - `bad NUMBER` / `bad LAP_NUMBER` / `bad LAP_TIME` / `bad HOUR` — skipped.
/// - `bad sector time` / `bad KPH` / `bad TOP_SPEED` / `bad ELAPSED` / `bad PIT_TIME` — field read as nil, row kept.
/// - a row of another width than the header: `FieldCountRule` (kept or dropped as it says).
/// - `duplicate (NUMBER, LAP_NUMBER)` — kept (anonymisation merged `03` and `3`, SOURCES.md item 30).
/// - `implausible LAP_TIME` — a lap of a day or more; skipped.
/// - `implausible sector time` / `implausible ELAPSED` / `implausible PIT_TIME` — a day or more;
///   `implausible KPH` / `implausible TOP_SPEED` — outside `plausibleSpeedKph` or not finite. Field read as
///   nil, row kept.
/// - `bad intermediate time` / `implausible intermediate time` — an `<point>_time` or `<point>_elapsed` that does
///   not parse, or is a day or more; read as nil, row kept.
/// - `inconsistent intermediates` — the points do not add up: a point's elapsed is not the previous point's
///   elapsed plus its own time, `IM1`/`IM2` elapsed is not S1/S1+S2, or `FL` elapsed is not the lap time (the
///   field named is the first point that breaks); the values are kept as written. No real row breaks them.
///
/// Intermediates (`AnalysisIntermediate`): every `<stem>_time` column with an `<stem>_elapsed` partner, in header
/// order (`IM1a IM1 IM2a IM2 IM3a FL`; sonoma's `INT-1`/`INT-2` read as `IM1`/`IM2`).
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
        // Intermediate points: `<stem>_time` with an `<stem>_elapsed` partner, in header order.
        let points: [(stem: String, time: Int, elapsed: Int)] = file.header.enumerated().compactMap { index, name in
            guard name.hasSuffix("_time"), let elapsed = file.column(String(name.dropLast(5)) + "_elapsed") else {
                return nil
            }
            return (String(name.dropLast(5)), index, elapsed)
        }

        func bad(_ reason: String, _ row: Int, _ field: String, _ value: String) {
            ledger.record(
                file: name, kind: kind, reason: reason, row: row, field: field, detail: "'\(value)' \(reason)")
        }
        /// An optional field: empty → nil silently, unparseable or implausible → nil and counted.
        /// `field` names the kind of value in the reason (`bad sector time`); the ledger's field is the column.
        func optional<T>(
            _ column: Int?, _ field: String, _ record: CSVRecord, _ parse: (String) -> T?,
            plausible: (T) -> Bool
        ) -> T? {
            let text = record[column].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            let columnName = column.map { file.header[$0] } ?? field
            guard let value = parse(text) else {
                bad("bad \(field)", record.line, columnName, text)
                return nil
            }
            guard plausible(value) else {
                bad("implausible \(field)", record.line, columnName, text)
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
        let optionalColumns: [Int?] = [
            s1Column, s2Column, s3Column, kphColumn, elapsedColumn, topSpeedColumn, pitColumn, pitTimeColumn,
            flagColumn,
        ]
        let read =
            [numberColumn, lapColumn, lapTimeColumn, hourColumn] + optionalColumns
            + points.flatMap { [$0.time, $0.elapsed] }
        for record in file {
            guard file.acceptFieldCount(record, reading: read, kind: kind, ledger: ledger) else { continue }
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
            let s1 = duration(s1Column, "sector time", record)
            let s2 = duration(s2Column, "sector time", record)
            var intermediates: [AnalysisIntermediate] = []
            for point in points {
                intermediates.append(
                    AnalysisIntermediate(
                        point: AnalysisIntermediate.pointName(point.stem), column: point.stem,
                        timeMs: duration(point.time, "intermediate time", record),
                        elapsedMs: duration(point.elapsed, "intermediate time", record)))
            }
            if let broken = firstInconsistency(intermediates, s1: s1, s2: s2, lapTimeMs: lapTime) {
                ledger.record(
                    file: name, kind: kind, reason: "inconsistent intermediates", row: row, field: broken.field,
                    detail: broken.detail)
            }
            laps.append(
                AnalysisLap(
                    carNumber: number, carLabel: label, lap: lap, lapTimeMs: lapTime,
                    s1Ms: s1, s2Ms: s2,
                    s3Ms: duration(s3Column, "sector time", record),
                    kph: speed(kphColumn, "KPH", record),
                    elapsedMs: duration(elapsedColumn, "ELAPSED", record),
                    hourOfDayMs: hour,
                    topSpeedKph: speed(topSpeedColumn, "TOP_SPEED", record),
                    pitIn: record[pitColumn].trimmingCharacters(in: .whitespaces) == "B",
                    pitTimeMs: duration(pitTimeColumn, "PIT_TIME", record),
                    flag: record[flagColumn].trimmingCharacters(in: .whitespaces), row: row,
                    intermediates: intermediates))
        }
        return laps
    }

    /// The first point where a lap's intermediates do not add up (see the type's comment), or nil. Only values
    /// present are compared: a point the loop missed leaves the next point's time empty.
    static func firstInconsistency(
        _ points: [AnalysisIntermediate], s1: Int64?, s2: Int64?, lapTimeMs: Int64
    ) -> (field: String, detail: String)? {
        var previousElapsed: Int64? = 0
        for point in points {
            let field = "\(point.column)_elapsed"
            if let time = point.timeMs, let before = previousElapsed, let elapsed = point.elapsedMs,
                before + time != elapsed
            {
                return (field, "\(point.column): \(before) ms + \(time) ms is not its elapsed \(elapsed) ms")
            }
            if let elapsed = point.elapsedMs {
                let expected: Int64? =
                    switch point.point {
                    case "IM1": s1
                    case "IM2": s1.flatMap { first in s2.map { first + $0 } }
                    case "FL": lapTimeMs
                    default: nil
                    }
                if let expected, expected != elapsed {
                    return (field, "\(point.column) elapsed \(elapsed) ms but the sectors/lap give \(expected) ms")
                }
                if elapsed > lapTimeMs { return (field, "\(point.column) elapsed \(elapsed) ms is past the lap time") }
            }
            previousElapsed = point.elapsedMs
        }
        return nil
    }
}
