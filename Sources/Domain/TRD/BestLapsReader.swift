import Foundation

/// Reads a `99_Best 10 Laps By Driver` file (25 columns, or 29 with TEAM/names at indianapolis).
///
/// Padding pairs (`;;0`: empty time, lap 0) are skipped silently; a non-empty time that does not
/// parse is counted `bad BESTLAP time`. Rows without a numeric `NUMBER` are counted `bad NUMBER`. A row of another
/// width than the header follows `FieldCountRule`.
public enum BestLapsReader {
    public static let kind = "best_laps"

    /// - Throws: `TRDError` when the file cannot be opened or lacks `NUMBER`.
    public static func read(url: URL, ledger: RowIssueLedger) throws -> [BestLapsRow] {
        let file = try CSVFile(url: url)
        defer { file.close() }
        let name = file.fileName
        let numberColumn = try file.requireColumn("NUMBER")
        let totalColumn = file.column("TOTAL_DRIVER_LAPS")
        let averageColumn = file.column("AVERAGE")
        let pairs = (1...10).map { (file.column("BESTLAP_\($0)"), file.column("BESTLAP_\($0)_LAPNUM")) }

        var rows: [BestLapsRow] = []
        let read = [numberColumn, totalColumn, averageColumn] + pairs.flatMap { [$0.0, $0.1] }
        for record in file {
            guard file.acceptFieldCount(record, reading: read, kind: kind, ledger: ledger) else { continue }
            let label = record[numberColumn].trimmingCharacters(in: .whitespaces)
            guard let number = Int(label) else {
                ledger.record(
                    file: name, kind: kind, reason: "bad NUMBER", row: record.line, field: "NUMBER",
                    detail: "'\(label)' is not a car number")
                continue
            }
            var laps: [BestLap] = []
            for (index, (timeColumn, lapColumn)) in pairs.enumerated() {
                let timeText = record[timeColumn].trimmingCharacters(in: .whitespaces)
                let lapNumber = Int(record[lapColumn].trimmingCharacters(in: .whitespaces)) ?? 0
                if timeText.isEmpty { continue }
                guard let time = TRDTime.parseDuration(timeText), lapNumber > 0 else {
                    ledger.record(
                        file: name, kind: kind, reason: "bad BESTLAP time", row: record.line,
                        field: "BESTLAP_\(index + 1)", detail: "'\(timeText)' lap \(lapNumber) is not a lap time")
                    continue
                }
                laps.append(BestLap(lapTimeMs: time, lapNumber: lapNumber))
            }
            rows.append(
                BestLapsRow(
                    carNumber: number, carLabel: label,
                    totalLaps: Int(record[totalColumn].trimmingCharacters(in: .whitespaces)) ?? 0, laps: laps,
                    averageMs: TRDTime.parseDuration(record[averageColumn]), row: record.line))
        }
        return rows
    }
}
