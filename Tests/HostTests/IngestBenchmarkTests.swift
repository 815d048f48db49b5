import Foundation
import RaceDomain
import Testing

@testable import RoadSenseHost

@Suite("Ingest benchmark input")
struct IngestBenchmarkTests {
    @Test("copies of the real telemetry head keep every row and shift its times, so none is a duplicate")
    func copiesAreShiftedNotDuplicated() throws {
        let source = TestPaths.excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv")
        let output = try TestPaths.temporaryDirectory("ingest").appendingPathComponent("x3.csv")
        try IngestBenchmark.makeInput(from: source, copies: 3, to: output)

        // The source (CRLF) has 4,000 data rows: the output has 12,000 under one header.
        let lines = try String(contentsOf: output, encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(lines.count == 1 + 3 * 4000)

        // Reading it finds three times the rows the source gives, and only the source's own 14 duplicates and 13
        // conflicting readings per copy: the shifted copies do not collide with each other.
        let single = RowIssueLedger()
        let once = try TelemetryReader(url: source, ledger: single).readAll()
        let ledger = RowIssueLedger()
        let samples = try TelemetryReader(url: output, ledger: ledger).readAll()
        #expect(samples.count == 3 * once.count)
        #expect(ledger.total == 3 * single.total)
        let span = once.map(\.metaTimeMs).max()! - once.map(\.metaTimeMs).min()!
        #expect(samples.map(\.metaTimeMs).max()! >= once.map(\.metaTimeMs).max()! + 2 * span)
    }
}
