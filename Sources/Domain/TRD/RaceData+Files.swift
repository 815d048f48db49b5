import Foundation

/// Which files a race needs, and what happens to one that is missing, empty (0 bytes, or blank lines only),
/// header-only or unreadable (a header without the columns needed, a read error, no permission).
///
/// Every file is read the same way: one that cannot be used is left out as if it were missing, counted in the
/// ledger as a bad file (`badFileReason`, `headerOnlyReason`) under its kind, and the rest of the race is kept.
/// A missing file is not a bad file (nothing to count). What the race cannot do without:
/// - lap timing: the `23_Analysis…` timing sheet or the `lap_end` file must give at least one lap. Without
///   either there is no race, and `RaceData.load` throws `.noLapTiming` naming both files and their state.
/// - a UTC anchor for the timing sheet's local `HOUR`: lap_end events, else weather readings (`.noTimeReference`).
///
/// Everything else — weather, telemetry, lap_start, lap_time, results, results by class, best laps — is optional.
extension RaceData {
    /// Ledger reason for a file left out because it could not be read; the example names the error.
    public static let badFileReason = "bad file (left out)"
    /// Ledger reason for a file with a header and no data rows.
    public static let headerOnlyReason = "no data rows (header only)"

    /// Reads one file of the race with `read`; a file that cannot be used is counted (see the type's comment)
    /// and reads as no rows. A file whose rows were all rejected is not counted again: its rows are.
    /// - Returns: the rows, and when there are none, why (`missing`, `'x.csv' is empty`, …) for an error message.
    static func readOptional<Row>(
        _ url: URL?, kind: String, ledger: RowIssueLedger, _ read: (URL) throws -> [Row]
    ) -> (rows: [Row], problem: String?) {
        guard let url else { return ([], "missing") }
        let name = "'\(url.lastPathComponent)'"
        do {
            let rows = try read(url)
            guard rows.isEmpty else { return (rows, nil) }
            if hasDataRows(url) { return ([], "\(name): every row rejected (see the bad rows)") }
            countHeaderOnly(url, kind: kind, ledger: ledger)
            return ([], "\(name) has a header and no data rows")
        } catch {
            let trd =
                error as? TRDError
                ?? TRDError(code: .unreadable, reason: "\(error)", file: url.path, remedy: "re-copy the file")
            countBadFile(url, kind: kind, error: trd, ledger: ledger)
            return ([], "\(name): \(trd.reason)")
        }
    }

    /// Counts `url` as a bad file: row 1 (or the error's row), the error as the example.
    public static func countBadFile(_ url: URL, kind: String, error: TRDError, ledger: RowIssueLedger) {
        ledger.record(
            file: url.lastPathComponent, kind: kind, reason: badFileReason, row: error.row ?? 1, field: error.field,
            detail: "[\(error.code)] \(error.reason); file left out, the rest of the race is kept")
    }

    /// Counts `url` as a header-only file.
    public static func countHeaderOnly(_ url: URL, kind: String, ledger: RowIssueLedger) {
        ledger.record(
            file: url.lastPathComponent, kind: kind, reason: headerOnlyReason, row: 1, field: nil,
            detail: "the file has a header and no data rows; nothing read from it")
    }

    /// True when the file has a header and at least one non-empty line after it (false if it cannot be read).
    public static func hasDataRows(_ url: URL) -> Bool {
        guard let file = try? CSVFile(url: url) else { return false }
        defer { file.close() }
        return file.next() != nil
    }
}
