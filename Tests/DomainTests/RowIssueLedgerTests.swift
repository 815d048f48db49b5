import Testing

@testable import RaceDomain

@Suite("RowIssueLedger")
struct RowIssueLedgerTests {
    @Test("aggregates by file, kind and reason, sorted, and keeps the first example")
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
                BadRowCount(file: "a.csv", kind: "telemetry", reason: "non-numeric telemetry_value", count: 2),
                BadRowCount(file: "b.csv", kind: "telemetry", reason: "duplicate row", count: 1),
            ])
        #expect(
            ledger.firstExample(file: "a.csv", kind: "telemetry", reason: "non-numeric telemetry_value")
                == "row 2318 field telemetry_value: 'abc' is not a number")
        #expect(
            ledger.firstExample(file: "b.csv", kind: "telemetry", reason: "duplicate row") == "row 9: duplicate row")
        #expect(ledger.firstExample(file: "c.csv", kind: "telemetry", reason: "duplicate row") == nil)
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
}
