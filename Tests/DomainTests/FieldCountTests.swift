import Foundation
import Testing

@testable import RaceDomain

/// `FieldCountRule` in every reader, on real organiser rows with one mutation each: a row of another width than
/// its header is counted (file, row, field) and kept or dropped as the rule says; no real file trips it.
@Suite("Field counts")
struct FieldCountTests {
    /// The real file at `relative` with `mutate` applied to the given 1-based lines (CR kept), written to a
    /// temporary file of the same name.
    private func mutated(_ relative: String, lines: ClosedRange<Int>, _ mutate: (String) -> String) throws -> URL {
        // Split on LF bytes: in a Swift `String`, CRLF is one character that a split on "\n" would not cut.
        let bytes = try Data(contentsOf: TestData.trd(relative))
        var all = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        for index in lines {
            let line = all[index - 1]
            let cr = line.utf8.last == 0x0D
            let body = cr ? String(line.utf8.dropLast())! : line
            all[index - 1] = mutate(body) + (cr ? "\r" : "")
        }
        return try TestData.temporaryFile(URL(fileURLWithPath: relative).lastPathComponent, all.joined(separator: "\n"))
    }

    /// The line without its last `count` fields (and their separators).
    private func dropLast(_ count: Int, of line: String, separator: Character) -> String {
        var fields = line.split(separator: separator, omittingEmptySubsequences: false)
        fields.removeLast(count)
        return fields.joined(separator: String(separator))
    }

    private func fieldCountEntries(_ ledger: RowIssueLedger) -> [BadRowCount] {
        let reasons: Set<String> = [
            FieldCountRule.trailingEmptyReason, FieldCountRule.unreadMissingReason, FieldCountRule.shortReason,
            FieldCountRule.longReason,
        ]
        return ledger.counts.filter { reasons.contains($0.reason) }
    }

    @Test("a lap_end row missing its last column (vehicle_number, which is read) is counted and dropped")
    func lapEndShort() throws {
        let relative = "barber/R1_barber_lap_end.csv"
        let original = try LapEventReader.read(url: TestData.trd(relative), kind: .end, ledger: RowIssueLedger())
        let target = try #require(original.first { $0.row > 20 })
        let url = try mutated(relative, lines: target.row...target.row) { dropLast(1, of: $0, separator: ",") }
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(url: url, kind: .end, ledger: ledger)

        #expect(!events.contains { $0.row == target.row })
        #expect(ledger.count(reason: FieldCountRule.shortReason) == 1)
        let example = ledger.firstExample(
            file: url.lastPathComponent, kind: "lap_end", reason: FieldCountRule.shortReason)
        #expect(example?.hasPrefix("row \(target.row) field vehicle_number: 10 fields, the header has 11") == true)
        #expect(fieldCountEntries(ledger).count == 1)
    }

    @Test("a lap_end row with a stray separator at its end is counted as a trailing empty field and kept")
    func lapEndTrailingEmpty() throws {
        let relative = "barber/R1_barber_lap_end.csv"
        let original = try LapEventReader.read(url: TestData.trd(relative), kind: .end, ledger: RowIssueLedger())
        let url = try mutated(relative, lines: 30...30) { $0 + "," }
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(url: url, kind: .end, ledger: ledger)

        #expect(events == original)
        #expect(ledger.count(reason: FieldCountRule.trailingEmptyReason) == 1)
        let example = ledger.firstExample(
            file: url.lastPathComponent, kind: "lap_end", reason: FieldCountRule.trailingEmptyReason)
        #expect(example?.hasPrefix("row 30 field #12: 12 fields, the header has 11") == true)
    }

    @Test("a weather row missing RAIN is counted and dropped, the other 42 rows kept")
    func weatherMissingRain() throws {
        let relative = "barber/26_Weather_Race 1_Anonymized.CSV"
        let original = try WeatherReader.read(url: TestData.trd(relative), ledger: RowIssueLedger())
        let url = try mutated(relative, lines: 10...10) { dropLast(1, of: $0, separator: ";") }
        let ledger = RowIssueLedger()
        let samples = try WeatherReader.read(url: url, ledger: ledger)

        #expect(original.count == 43 && samples.count == 42)
        #expect(samples == Array(original[0..<8] + original[9...]))
        let example = ledger.firstExample(
            file: url.lastPathComponent, kind: "weather", reason: FieldCountRule.shortReason)
        #expect(example?.hasPrefix("row 10 field RAIN: 8 fields, the header has 9") == true)
        #expect(fieldCountEntries(ledger).count == 1)
    }

    @Test("199 telemetry rows with 2 extra fields are counted and dropped; with 2 empty extra fields, kept")
    func telemetryExtraFields() throws {
        let relative = "barber/R1_barber_telemetry_data_sample.csv"
        let rows = 1_001...1_199
        let withoutRows = try mutated(relative, lines: rows) { _ in "" }
        let expected = try TelemetryReader(url: withoutRows, ledger: RowIssueLedger()).readAll()

        let long = try mutated(relative, lines: rows) { $0 + ",x,y" }
        let longLedger = RowIssueLedger()
        let kept = try TelemetryReader(url: long, ledger: longLedger).readAll()
        #expect(kept == expected)
        #expect(longLedger.count(reason: FieldCountRule.longReason) == 199)
        let example = longLedger.firstExample(
            file: long.lastPathComponent, kind: "telemetry", reason: FieldCountRule.longReason)
        #expect(example?.hasPrefix("row 1001 field #14: 15 fields, the header has 13") == true)

        let original = try TelemetryReader(url: TestData.trd(relative), ledger: RowIssueLedger()).readAll()
        let empty = try mutated(relative, lines: rows) { $0 + ",," }
        let emptyLedger = RowIssueLedger()
        #expect(try TelemetryReader(url: empty, ledger: emptyLedger).readAll() == original)
        #expect(emptyLedger.count(reason: FieldCountRule.trailingEmptyReason) == 199)
        #expect(fieldCountEntries(emptyLedger).count == 1)
    }

    @Test("short telemetry rows: dropped when a read column is missing, kept when only vehicle_number is")
    func telemetryShort() throws {
        let relative = "barber/R1_barber_telemetry_data_sample.csv"
        let original = try TelemetryReader(url: TestData.trd(relative), ledger: RowIssueLedger()).readAll()
        let unread = try mutated(relative, lines: 2...11) { dropLast(1, of: $0, separator: ",") }
        let unreadLedger = RowIssueLedger()
        #expect(try TelemetryReader(url: unread, ledger: unreadLedger).readAll() == original)
        #expect(unreadLedger.count(reason: FieldCountRule.unreadMissingReason) == 10)

        let cut = try mutated(relative, lines: 2...11) { dropLast(2, of: $0, separator: ",") }
        let cutLedger = RowIssueLedger()
        let samples = try TelemetryReader(url: cut, ledger: cutLedger).readAll()
        #expect(cutLedger.count(reason: FieldCountRule.shortReason) == 10)
        let example = cutLedger.firstExample(
            file: cut.lastPathComponent, kind: "telemetry", reason: FieldCountRule.shortReason)
        #expect(example?.hasPrefix("row 2 field vehicle_id: 11 fields, the header has 13") == true)
        #expect(samples.count < original.count)
    }

    @Test("analysis, results and best-laps rows: a cut row is dropped, unread trailing columns missing are kept")
    func alKamelFiles() throws {
        let analysis = "barber/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"
        let laps = try AnalysisReader.read(url: TestData.trd(analysis), ledger: RowIssueLedger())
        let cutAnalysis = try mutated(analysis, lines: 5...5) { dropLast(3, of: $0, separator: ";") }
        let analysisLedger = RowIssueLedger()
        let cutLaps = try AnalysisReader.read(url: cutAnalysis, ledger: analysisLedger)
        #expect(cutLaps.count == laps.count - 1 && !cutLaps.contains { $0.row == 5 })
        #expect(
            analysisLedger.firstExample(
                file: cutAnalysis.lastPathComponent, kind: "analysis", reason: FieldCountRule.shortReason)?
                .hasPrefix("row 5 field IM3a_elapsed: 36 fields, the header has 39") == true)

        // The 03_ file ends in columns RoadSense does not read (`DRIVER_*Extra 3` … `5`).
        let results = "barber/03_Provisional Results_Race 1_Anonymized.CSV"
        let rows = try ResultsReader.read(url: TestData.trd(results), ledger: RowIssueLedger())
        let shortResults = try mutated(results, lines: 3...3) { dropLast(3, of: $0, separator: ";") }
        let resultsLedger = RowIssueLedger()
        #expect(try ResultsReader.read(url: shortResults, ledger: resultsLedger) == rows)
        #expect(resultsLedger.count(reason: FieldCountRule.unreadMissingReason) == 1)

        let best = "barber/99_Best 10 Laps By Driver_Race 1_Anonymized.CSV"
        let bestRows = try BestLapsReader.read(url: TestData.trd(best), ledger: RowIssueLedger())
        let longBest = try mutated(best, lines: 2...2) { $0 + ";1:38.000" }
        let bestLedger = RowIssueLedger()
        #expect(try BestLapsReader.read(url: longBest, ledger: bestLedger) == Array(bestRows.dropFirst()))
        #expect(bestLedger.count(reason: FieldCountRule.longReason) == 1)
    }

    @Test("no row of any real file trips the rule (trailing separators, `;;0` padding, BOM and CRLF included)")
    func realFilesAreClean() throws {
        let enumerator = try #require(FileManager.default.enumerator(at: TestData.trd, includingPropertiesForKeys: nil))
        let files = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "csv" }
        let ledger = RowIssueLedger()
        var read = 0
        for url in files {
            let name = url.lastPathComponent.lowercased()
            if name.contains("telemetry") {
                _ = try TelemetryReader(url: url, ledger: ledger).readAll()
            } else if let kind = LapEvent.Kind(fileName: name) {
                _ = try LapEventReader.read(url: url, kind: kind, ledger: ledger)
            } else if name.hasPrefix("23_") {
                _ = try AnalysisReader.read(url: url, ledger: ledger)
            } else if name.hasPrefix("26_") {
                _ = try WeatherReader.read(url: url, ledger: ledger)
            } else if name.hasPrefix("99_") {
                _ = try BestLapsReader.read(url: url, ledger: ledger)
            } else if name.hasPrefix("03_") || name.hasPrefix("00_") || name.hasPrefix("05_") {
                _ = try ResultsReader.read(url: url, ledger: ledger)
            } else {
                continue
            }
            read += 1
        }
        #expect(read > 120, "\(read) files read")
        #expect(fieldCountEntries(ledger).isEmpty, "\(fieldCountEntries(ledger))")
    }
}
