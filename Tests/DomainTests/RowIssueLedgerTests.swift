import Foundation
import Testing

@testable import RaceDomain

@Suite("RowIssueLedger")
struct RowIssueLedgerTests {
    @Test("aggregates by file, kind and reason, sorted, with the first example in each count")
    func aggregates() {
        let ledger = RowIssueLedger()
        ledger.record(file: "b.csv", kind: "telemetry", reason: "duplicate row", row: 9, field: nil)
        ledger.record(
            file: "a.csv", kind: "telemetry", reason: "non-numeric telemetry_value", row: 2318,
            field: "telemetry_value", detail: "'abc' is not a number")
        ledger.record(
            file: "a.csv", kind: "telemetry", reason: "non-numeric telemetry_value", row: 2400,
            field: "telemetry_value", detail: "'x' is not a number")
        #expect(ledger.total == 3)
        #expect(
            ledger.counts == [
                BadRowCount(
                    file: "a.csv", kind: "telemetry", reason: "non-numeric telemetry_value", count: 2,
                    example: "row 2318 field telemetry_value: 'abc' is not a number"),
                BadRowCount(
                    file: "b.csv", kind: "telemetry", reason: "duplicate row", count: 1, example: "row 9: duplicate row"
                ),
            ])
        #expect(
            ledger.firstExample(file: "a.csv", kind: "telemetry", reason: "non-numeric telemetry_value")
                == "row 2318 field telemetry_value: 'abc' is not a number")
        #expect(
            ledger.firstExample(file: "b.csv", kind: "telemetry", reason: "duplicate row") == "row 9: duplicate row")
        #expect(ledger.firstExample(file: "c.csv", kind: "telemetry", reason: "duplicate row") == nil)
    }

    @Test("keeps a printable, capped first example when a value holds control characters")
    func printableExample() throws {
        let ledger = RowIssueLedger()
        let value = "\u{1B}[2J\u{1B}]0;owned\u{07}" + String(repeating: "9", count: 500)
        ledger.record(
            file: "t.csv", kind: "telemetry", reason: "non-numeric telemetry_value", row: 7, field: "telemetry_value",
            detail: "'\(value)' is not a number")
        let example = try #require(ledger.counts.first?.example)
        #expect(example.hasPrefix("row 7 field telemetry_value: '\\u{1B}[2J\\u{1B}]0;owned\\u{7}999"))
        #expect(example.count <= RowIssueLedger.exampleLimit)
        #expect(example.hasSuffix("…"))
        #expect(!example.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test("TRDError description names code, file, row, field and remedy on one line")
    func errorDescription() {
        let error = TRDError(
            code: .badHeader, reason: "header lacks column 'lap'", file: "x.csv", row: 1, field: "lap",
            remedy: "check the file kind")
        #expect(
            error.description
                == "[bad_header] header lacks column 'lap' — file 'x.csv' row 1 field 'lap' — check the file kind")
        #expect(!error.description.contains("\n"))
    }

    @Test("TRDError description escapes control characters in every part")
    func errorDescriptionEscapesControls() {
        let error = TRDError(
            code: .unreadable, reason: "bad\u{1B}[31mred\r\nline\u{202E}", file: "dir/\u{07}x.csv", field: "a\tb")
        #expect(
            error.description
                == "[unreadable] bad\\u{1B}[31mred\\u{D}\\u{A}line\\u{202E} — file 'dir/\\u{7}x.csv' field 'a\\u{9}b'")
    }

    @Test("a binary file's header reaches the badHeader error escaped and cut to about 80 characters")
    func binaryHeader() throws {
        var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1B, 0x5B, 0x32, 0x4A, 0x07, 0x0D]
        bytes += (0..<400).map { UInt8(truncatingIfNeeded: $0 * 7) }.filter { $0 != 0x0A }
        bytes.append(0x0A)
        let url = try TestData.temporaryFile("binary.csv", "")
        try Data(bytes).write(to: url)

        let file = try CSVFile(url: url)
        defer { file.close() }
        let error = try #require(throws: TRDError.self) { try file.requireColumn("lap") }
        #expect(error.code == .badHeader)
        #expect(!error.description.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(!error.reason.unicodeScalars.contains { $0.properties.generalCategory == .control })
        let found = try #require(error.reason.split(separator: "(found: ", maxSplits: 1).last)
        #expect(found.count <= TRDError.excerptLimit + 1)  // the excerpt and the closing parenthesis
        #expect(found.hasPrefix("\\u{7F}ELF\\u{2}\\u{1}\\u{1}\\u{0}\\u{1B}[2J\\u{7}"))
    }

    @Test("printable keeps short text, escapes controls and cuts long text with an ellipsis")
    func printable() {
        #expect(TRDError.printable("lap,timestamp") == "lap,timestamp")
        #expect(TRDError.printable("a\u{0}b", limit: nil) == "a\\u{0}b")
        #expect(TRDError.printable(String(repeating: "x", count: 80)) == String(repeating: "x", count: 80))
        #expect(TRDError.printable(String(repeating: "x", count: 81)) == String(repeating: "x", count: 79) + "…")
        #expect(TRDError.printable("ab\u{1B}cd", limit: 6) == "ab…")
    }
}
