import Foundation

/// Reads Al Kamel results: `03_`/`00_` (`POSITION`, `STATUS`, `TOTAL_TIME`, `FL_LAPNUM`, `FL_TIME`)
/// and `05_` by class (`POS`, `ELAPSED`, `BEST_LAP_NUM`, `BEST_LAP_TIME`).
///
/// Rows without a numeric `NUMBER` are counted `bad NUMBER` and skipped; a non-numeric `POSITION`
/// or `LAPS` is counted (`bad POSITION`, `bad LAPS`) and read as nil / 0. Empty positions of
/// non-starters are normal and not counted. A row of another width than the header follows `FieldCountRule`.
public enum ResultsReader {
    /// - Parameter kind: `results` or `results_by_class`; only used in the ledger.
    /// - Throws: `TRDError` when the file cannot be opened or lacks `NUMBER`.
    public static func read(url: URL, kind: String = "results", ledger: RowIssueLedger) throws -> [ResultRow] {
        let file = try CSVFile(url: url)
        defer { file.close() }
        let name = file.fileName
        let numberColumn = try file.requireColumn("NUMBER")
        let positionColumn = file.column(anyOf: ["POSITION", "POS"])
        let statusColumn = file.column("STATUS")
        let lapsColumn = file.column("LAPS")
        let totalColumn = file.column(anyOf: ["TOTAL_TIME", "ELAPSED"])
        let gapColumn = file.column("GAP_FIRST")
        let previousColumn = file.column("GAP_PREVIOUS")
        let bestTimeColumn = file.column(anyOf: ["FL_TIME", "BEST_LAP_TIME"])
        let bestNumberColumn = file.column(anyOf: ["FL_LAPNUM", "BEST_LAP_NUM"])

        func bad(_ reason: String, _ row: Int, _ field: String, _ value: String) {
            ledger.record(
                file: name, kind: kind, reason: reason, row: row, field: field, detail: "'\(value)' \(reason)")
        }

        var rows: [ResultRow] = []
        let read = [
            numberColumn, positionColumn, statusColumn, lapsColumn, totalColumn, gapColumn, previousColumn,
            bestTimeColumn, bestNumberColumn,
        ]
        for record in file {
            guard file.acceptFieldCount(record, reading: read, kind: kind, ledger: ledger) else { continue }
            let row = record.line
            let label = record[numberColumn].trimmingCharacters(in: .whitespaces)
            guard let number = Int(label) else {
                bad("bad NUMBER", row, "NUMBER", label)
                continue
            }

            // POSITION may be written `11.0`; empty for non-starters.
            let positionText = record[positionColumn].trimmingCharacters(in: .whitespaces)
            var position: Int?
            if !positionText.isEmpty {
                if let value = Double(positionText), value == value.rounded(), value >= 1, value < 10_000 {
                    position = Int(value)
                } else {
                    bad("bad POSITION", row, "POSITION", positionText)
                }
            }
            let lapsText = record[lapsColumn].trimmingCharacters(in: .whitespaces)
            let laps = Int(lapsText) ?? 0
            if Int(lapsText) == nil, !lapsText.isEmpty { bad("bad LAPS", row, "LAPS", lapsText) }
            let bestNumber = Int(record[bestNumberColumn].trimmingCharacters(in: .whitespaces))

            rows.append(
                ResultRow(
                    position: position, carNumber: number, carLabel: label,
                    status: record[statusColumn].trimmingCharacters(in: .whitespaces), laps: laps,
                    totalTimeMs: TRDTime.parseDuration(record[totalColumn]),
                    gapFirst: record[gapColumn].trimmingCharacters(in: .whitespaces),
                    gapPrevious: record[previousColumn].trimmingCharacters(in: .whitespaces),
                    bestLapMs: TRDTime.parseDuration(record[bestTimeColumn]),
                    bestLapNumber: (bestNumber ?? 0) > 0 ? bestNumber : nil, row: row))
        }
        return rows
    }
}
