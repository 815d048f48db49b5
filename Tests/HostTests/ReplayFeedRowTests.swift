import Foundation
import RaceDomain
import Testing

@testable import RoadSenseHost

/// A row the replay leaves out for being outside the race window is named by its file and line, as any
/// other bad row is.
@Suite("Replay feed names the rows it leaves out")
struct ReplayFeedRowTests {
    @Test("a weather reading after the race window is reported at its line of the weather file")
    func weatherRow() throws {
        let ledger = RowIssueLedger()
        _ = try ReplayFeed(directory: TestPaths.excerpt, race: 1, ledger: ledger)
        // `grep -n 1757185081 '26_Weather_Race 1_Anonymized.CSV'`: line 18, the first reading past the window
        // (the excerpt's last crossing + 5 min).
        let example = ledger.firstExample(
            file: "26_Weather_Race 1_Anonymized.CSV", kind: "weather",
            reason: "outside the race window (another session?)")
        #expect(example == "row 18 field TIME_UTC_SECONDS: 1757185081")
    }

    @Test("a telemetry row from another day is reported at its line of its own telemetry file")
    func telemetryRow() throws {
        let directory = try TestPaths.temporaryDirectory("feed-rows")
        for name in try FileManager.default.contentsOfDirectory(atPath: TestPaths.excerpt.path) {
            try FileManager.default.copyItem(
                at: TestPaths.excerpt.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        // Line 3001 of the telemetry file moved a day later: outside the window, and the only row that is.
        let telemetry = directory.appendingPathComponent("R1_barber_telemetry_data_sample.csv")
        var lines = try String(contentsOf: telemetry, encoding: .utf8).components(separatedBy: "\r\n")
        #expect(lines[3000].contains(",2025-09-06T18:40:29.461Z,"))
        lines[3000] = lines[3000].replacingOccurrences(
            of: ",2025-09-06T18:40:29.461Z,", with: ",2025-09-07T18:40:29.461Z,")
        try lines.joined(separator: "\r\n").write(to: telemetry, atomically: true, encoding: .utf8)

        let ledger = RowIssueLedger()
        _ = try ReplayFeed(directory: directory, race: 1, ledger: ledger)
        let reason = "outside the race window (another session?)"
        #expect(ledger.count(reason: reason, file: "R1_barber_telemetry_data_sample.csv") == 1)
        let example = ledger.firstExample(
            file: "R1_barber_telemetry_data_sample.csv", kind: "telemetry", reason: reason)
        #expect(example == "row 3001 field meta_time: meta_time 1757270429461 ms (Unix) is outside the race")
    }
}
