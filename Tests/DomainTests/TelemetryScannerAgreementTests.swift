import Foundation
import Testing

@testable import RaceDomain

/// The byte-level `TelemetryReader` against the `String`-per-field reader it replaced
/// (`ReferenceTelemetryReader`): same samples in the same order, same ledger counts and first examples.
@Suite("Telemetry scanner agrees with the reference reader")
struct TelemetryScannerAgreementTests {
    private func compare(_ url: URL) throws -> (samples: Int, ledger: RowIssueLedger) {
        let fastLedger = RowIssueLedger()
        let referenceLedger = RowIssueLedger()
        let fast = try TelemetryReader(url: url, ledger: fastLedger).readAll()
        let reference = try ReferenceTelemetryReader(url: url, ledger: referenceLedger).readAll()

        #expect(fast.count == reference.count, "\(url.lastPathComponent): sample count")
        let firstDifference = zip(fast, reference).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            firstDifference == nil,
            "\(url.lastPathComponent): first differing sample \(String(describing: firstDifference))")
        // Bit-for-bit values (== would let -0.0 and 0.0 pass as equal).
        #expect(fast.map(\.value.bitPattern) == reference.map(\.value.bitPattern))
        #expect(fastLedger.counts == referenceLedger.counts, "\(url.lastPathComponent): ledger")
        return (fast.count, fastLedger)
    }

    @Test(
        "gives the same samples and ledger on every real telemetry file",
        arguments: [
            "barber/R1_barber_telemetry_data_sample.csv", "barber/R2_sample_telemetry.csv",
            "road-america/_pandas_reexport/road_america_r1_telemetry_SAMPLE.csv",
            "road-america/_pandas_reexport/road_america_r2_telemetry_SAMPLE.csv",
            "sonoma/_pandas_reexport/sonoma_r1_telemetry_SAMPLE.csv",
            "sonoma/_pandas_reexport/sonoma_r2_telemetry_SAMPLE.csv",
        ])
    func realFiles(_ path: String) throws {
        let (samples, ledger) = try compare(TestData.trd(path))
        #expect(samples > 0)
        if path.hasPrefix("barber/R1") {
            #expect(samples == 9_812 && ledger.count(reason: "duplicate row") == 74)
        }
    }

    @Test("gives the same samples and ledger on the committed excerpt")
    func excerpt() throws {
        let (samples, _) = try compare(TestData.excerpt("R1_barber_telemetry_data_sample.csv"))
        #expect(samples > 0)
    }

    @Test("agrees on quoted, non-ASCII, spaced, odd-number and odd-time rows, with a BOM and a trailing separator")
    func oddRows() throws {
        let header =
            "\u{FEFF}expire_at, lap ,meta_time,telemetry_name,telemetry_value,timestamp,vehicle_id,vehicle_number,\r\n"
        let meta = "2025-09-06T18:40:41.926Z"
        // Each row at its own ECU millisecond unless given one, so the rows test parsing, not item 22's rule.
        var nextMs = 100
        func row(
            _ lap: String, _ name: String, _ value: String, ecu: String? = nil, meta: String = meta,
            vehicle: String = "GR86-002-000", tail: String = ","
        ) -> String {
            nextMs += 1
            let instant = ecu ?? "2025-09-05T00:28:20.\(nextMs)Z"
            return ",\(lap),\(meta),\(name),\(value),\(instant),\(vehicle),0\(tail)\r\n"
        }
        let rows = [
            row("2", "speed", "120.5", ecu: "2025-09-05T00:28:20.593Z"),
            row("2", "speed", "120.5", ecu: "2025-09-05T00:28:20.593Z"),
            row("2", "\"speed\"", "120.5", ecu: "2025-09-05T00:28:20.593Z"),
            row("2", "nmot", "\"7,000\""), row("2", "aps", " 55 "), row("2", "aps", "\t56\t"),
            row("2", "aps", "\u{00A0}57\u{00A0}"), row("2", "aps", "1e2"), row("2", "aps", "0x10"),
            row("2", "aps", "nan"), row("2", "aps", "inf"), row("2", "aps", ".5"), row("2", "aps", "5."),
            row("2", "aps", "+5"), row("2", "aps", "-0"), row("2", "aps", "-0.0"), row("2", "aps", "00012.50"),
            row("2", "accx_can", "0.34600000000000003"), row("2", "accx_can", "-0.074000000000000003"),
            row("2", "VBOX_Lat_Min", "33.530717849731445"), row("2", "aps", "1_000"), row("2", "aps", "１２"),
            row("2", "speed", "999"), row("+3", "gear", "3"), row("-0", "gear", "3"), row("3.0", "gear", "3"),
            row("32768", "gear", "3"), row("99999999999999999999", "gear", "3"), row("", "gear", "2"),
            row("2", "gear", "2", ecu: "2025-09-05 00:28:20.593"), row("2", "gear", "2", ecu: "2025-09-05T00:28:20Z"),
            row("2", "gear", "2", ecu: "2025-09-05T00:28:20.5934567+00:00"),
            row("2", "gear", "2", ecu: "2025-09-05T00:28:20.593+01:00"),
            row("2", "gear", "2", ecu: "1970-01-01T00:00:00Z"),
            row("2", "gear", "2", ecu: "2025-13-05T00:28:20Z"), row("2", "gear", "2", meta: "2025-09-06T18:40:61.000Z"),
            row("2", "gear", "2", meta: "2025-09-06T18:41:05.000Z"), row("2", "gear", "2", vehicle: ""),
            row("2", "gear", "2", vehicle: "GR86-ÄÖ-1"), row("2", "gear", "2", vehicle: "GR86-022-13"),
            row("2", "warp_drive", "1"), row("2", "Speed", "1"), row("2", "speed", ""), row("2", "speed", "  "),
            row("2", "speed", "120.5", tail: ""), row("2", "speed", "120.5", tail: ",,"), ",2,\(meta)\r\n",
            "\r\n", "\n", "\r", row("2", "gear", "4", tail: ""), row("2", "speed", "121.5", tail: ",x"),
            row("2", "speed", "122.5", tail: ",\"q,\"").replacingOccurrences(of: "0,\"q", with: "\"0\",\"q"),
            ",2,\(meta),speed,123.5,2025-09-05T00:28:21.001Z,GR86-002-000\r\n",
        ]
        let url = try TestData.temporaryFile("odd_telemetry.csv", "\r\n" + header + rows.joined())
        let (samples, ledger) = try compare(url)
        #expect(samples > 10)
        #expect(ledger.count(reason: "duplicate row") >= 2)
        #expect(ledger.count(reason: FieldCountRule.shortReason) == 1)
        #expect(ledger.count(reason: FieldCountRule.trailingEmptyReason) == 1)
        #expect(ledger.count(reason: FieldCountRule.longReason) == 2)
        #expect(ledger.count(reason: FieldCountRule.unreadMissingReason) == 1)
    }

    @Test("agrees when a duplicate lies just inside or just outside the remembered window")
    func windowEdge() throws {
        let header = "lap,meta_time,telemetry_name,telemetry_value,timestamp,vehicle_id\n"
        var lines = [header]
        // Row k has value k; the first row comes back after 4,095 and after 4,096 other distinct rows.
        func line(_ value: Int) -> String {
            "2,2025-09-06T18:40:41.926Z,speed,\(value % 300),2025-09-05T00:28:\(10 + value / 300 % 40).000Z,GR86-1-2\n"
        }
        for value in 0..<TelemetryReader.duplicateWindow { lines.append(line(value)) }
        lines.append(line(0))
        for value in TelemetryReader.duplicateWindow..<(TelemetryReader.duplicateWindow + 2) {
            lines.append(line(value))
        }
        lines.append(line(1))
        lines.append(line(2))
        let url = try TestData.temporaryFile("window_telemetry.csv", lines.joined())
        let (_, ledger) = try compare(url)
        #expect(ledger.count(reason: "duplicate row") >= 1)
    }

    @Test("agrees when a repeated (vehicle, timestamp, channel) key lies just inside or outside the key window")
    func keyWindowEdge() throws {
        let header = "lap,meta_time,telemetry_name,telemetry_value,timestamp,vehicle_id\n"
        func line(_ ecuMs: Int, _ value: Int) -> String {
            let instant = Date(timeIntervalSince1970: 1_757_000_000 + Double(ecuMs) / 1000)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return "2,2025-09-06T18:40:41.926Z,speed,\(value),\(formatter.string(from: instant)),GR86-1-2\n"
        }
        let window = TelemetryReader.duplicateWindow
        var lines = [header]
        for key in 0..<window { lines.append(line(key, 100)) }
        lines.append(line(0, 101))  // key 0 is the oldest of 4,096 remembered keys: a conflict
        lines.append(line(window, 100))  // a new key: key 0 is forgotten
        lines.append(line(1, 101))  // key 1 is still remembered: a conflict
        lines.append(line(0, 102))  // key 0 was forgotten: read as new
        let url = try TestData.temporaryFile("key_window_telemetry.csv", lines.joined())
        let (samples, ledger) = try compare(url)
        #expect(ledger.count(reason: TelemetryReader.conflictReason) == 2)
        #expect(samples == window + 2)
    }

    @Test("agrees on a 3 MiB line (the read buffer grows) between good rows, and a last line without newline")
    func hugeLine() throws {
        let header = "lap,meta_time,telemetry_name,telemetry_value,timestamp,vehicle_id\n"
        let good = "2,2025-09-06T18:40:41.926Z,speed,120.5,2025-09-05T00:28:20.593Z,GR86-1-2\n"
        let huge = "2,2025-09-06T18:40:41.926Z,speed," + String(repeating: "9", count: 3 << 20) + ",x,GR86-1-2\n"
        let last = "3,2025-09-06T18:40:42.000Z,gear,3,2025-09-05T00:28:21.000Z,GR86-1-2"
        let url = try TestData.temporaryFile("huge_telemetry.csv", header + good + huge + good + last)
        let (samples, ledger) = try compare(url)
        #expect(samples == 2)
        #expect(ledger.count(reason: "duplicate row") == 1)
        #expect(ledger.count(reason: "non-numeric telemetry_value") == 1, "3 M nines overflow to infinity")
    }
}
