import Foundation
import Testing

@testable import RaceDomain

@Suite("TelemetryReader")
struct TelemetryReaderTests {
    @Test("reads sample 1 of the barber R1 head with both clocks and the raw value")
    func firstSample() throws {
        let ledger = RowIssueLedger()
        let reader = try TelemetryReader(url: TestData.excerpt("R1_barber_telemetry_data_sample.csv"), ledger: ledger)
        let samples = Array(reader.prefix(2))
        try #require(samples.count == 2)
        let first = samples[0]
        #expect(first.vehicleID == "GR86-002-000")
        #expect(first.lap == 2)
        #expect(first.channel == "accx_can")
        #expect(first.value == 0.34600000000000003)
        #expect(first.metaTimeMs == TRDTime.parseISO("2025-09-06T18:40:41.926Z"))
        #expect(first.ecuTimeMs == TRDTime.parseISO("2025-09-05T00:28:20.593Z"))
        // SOURCES.md item 19: the ECU clock runs 1 d 18:12:21 behind meta_time in this session.
        #expect(first.metaTimeMs - first.ecuTimeMs == ((24 + 18) * 3_600 + 12 * 60 + 21) * 1_000 + 333)
        let second = samples[1]
        #expect(second.channel == "accy_can")
        #expect(second.value == -0.074)
    }

    @Test("counts the 74 exact duplicate rows of the barber R1 head and keeps the rest")
    func duplicatesInBarberHead() throws {
        let ledger = RowIssueLedger()
        let url = TestData.trd("barber/R1_barber_telemetry_data_sample.csv")
        let samples = try TelemetryReader(url: url, ledger: ledger).readAll()
        let name = url.lastPathComponent
        #expect(ledger.count(reason: "duplicate row", file: name) == 74)
        // Counted by a Python csv pass over the head (SOURCES.md items 21, 22): 74 exact duplicates, then 16
        // rows repeating an earlier (vehicle, timestamp, channel, value) and 98 giving such a key another value.
        #expect(ledger.count(reason: TelemetryReader.repeatedReason, file: name) == 16)
        #expect(ledger.count(reason: TelemetryReader.conflictReason, file: name) == 98)
        #expect(samples.count == 10_000 - 74 - 16 - 98)
        #expect(ledger.total == 74 + 16 + 98)
        #expect(
            ledger.firstExample(file: name, kind: "telemetry", reason: "duplicate row")?.hasPrefix("row 2327") == true)
    }

    @Test(
        "SOURCES.md item 22: the same (vehicle, timestamp, channel) with another value keeps the first, names both rows"
    )
    func conflictingValues() throws {
        let ledger = RowIssueLedger()
        let url = TestData.trd("barber/R1_barber_telemetry_data_sample.csv")
        let samples = try TelemetryReader(url: url, ledger: ledger).readAll()
        let name = url.lastPathComponent
        // Lines 2317 and 2326 of the file: accx_can at ECU 2025-09-05T00:28:10.189Z reads 0.065, then 0.07.
        #expect(
            ledger.firstExample(file: name, kind: "telemetry", reason: TelemetryReader.conflictReason)
                == "row 2326 field telemetry_value: accx_can '0.07' but row 2317 read 0.065 at this ECU instant; "
                + "the first is kept")
        let instant = try #require(TRDTime.parseISO("2025-09-05T00:28:10.189Z"))
        let kept = samples.filter { $0.ecuTimeMs == instant && $0.channel == "accx_can" }
        #expect(kept.map(\.value) == [0.065])
        // Lines 9870 and 9881: aps 100 twice at one ECU instant, not byte-identical rows.
        #expect(
            ledger.firstExample(file: name, kind: "telemetry", reason: TelemetryReader.repeatedReason)
                == "row 9881 field telemetry_value: aps 100 at this ECU instant was read at row 9870; dropped")
        // No key is left twice, so the pivot never has to choose.
        let keys = samples.map { "\($0.vehicleID)|\($0.ecuTimeMs)|\($0.channel)" }
        #expect(Set(keys).count == samples.count)
    }

    @Test("reads the R2 head: 82 duplicates, one vehicle, all known channels")
    func barberR2Head() throws {
        let ledger = RowIssueLedger()
        let samples = try TelemetryReader(url: TestData.trd("barber/R2_sample_telemetry.csv"), ledger: ledger).readAll()
        #expect(ledger.count(reason: "duplicate row") == 82)
        #expect(ledger.count(reason: TelemetryReader.repeatedReason) == 16)
        #expect(ledger.count(reason: TelemetryReader.conflictReason) == 138)
        #expect(samples.count == 9_999 - 82 - 16 - 138)
        #expect(Set(samples.map(\.vehicleID)) == ["GR86-002-000"])
        #expect(Set(samples.map(\.channel)).count == 12)
    }

    @Test("counts a non-numeric value, an unknown channel, lap 32768 and an empty value without crashing")
    func badRows() throws {
        let header =
            "expire_at,lap,meta_event,meta_session,meta_source,meta_time,original_vehicle_id,outing,telemetry_name,"
            + "telemetry_value,timestamp,vehicle_id,vehicle_number\r\n"
        func row(_ lap: String, _ name: String, _ value: String, _ ecu: String = "2025-09-05T00:28:20.593Z") -> String {
            let meta = "I_R06,R1,kafka:gr-raw,2025-09-06T18:40:41.926Z,GR86-002-000,0"
            return ",\(lap),\(meta),\(name),\(value),\(ecu),GR86-002-000,0\r\n"
        }
        let text =
            header + row("2", "speed", "120.5") + row("2", "nmot", "abc") + row("2", "warp_drive", "9")
            + row("32768", "gear", "3") + row("2", "aps", "") + row("2", "speed", "121", "not-a-time")
            + row("2", "pbrake_f", "12.5")
        let url = try TestData.temporaryFile("bad_telemetry.csv", text)
        let ledger = RowIssueLedger()
        let samples = try TelemetryReader(url: url, ledger: ledger).readAll()

        #expect(samples.map(\.channel) == ["speed", "gear", "pbrake_f"])
        #expect(samples[1].lap == 0)
        #expect(ledger.count(reason: "non-numeric telemetry_value") == 1)
        #expect(ledger.count(reason: "unknown telemetry_name") == 1)
        #expect(ledger.count(reason: "lap counter lost (32768)") == 1)
        #expect(ledger.count(reason: "empty telemetry_value") == 1)
        #expect(ledger.count(reason: "bad timestamp") == 1)
        #expect(
            ledger.firstExample(file: "bad_telemetry.csv", kind: "telemetry", reason: "non-numeric telemetry_value")
                == "row 3 field telemetry_value: 'abc' is not a number")
    }

    @Test("reads the pandas re-export with ath instead of aps")
    func pandasReexport() throws {
        let ledger = RowIssueLedger()
        let url = TestData.trd("road-america/_pandas_reexport/road_america_r1_telemetry_SAMPLE.csv")
        let samples = try TelemetryReader(url: url, ledger: ledger).readAll()
        #expect(samples.count == 20)
        #expect(samples.contains { $0.channel == "ath" })
        #expect(ledger.total == 0)
    }

    @Test("throws badHeader for a file without telemetry columns")
    func wrongFile() {
        #expect(throws: TRDError.self) {
            try TelemetryReader(url: TestData.excerpt("R1_barber_lap_end.csv"), ledger: RowIssueLedger())
        }
    }
}

@Suite("TelemetryReader resumes at a byte offset")
struct TelemetryReaderResumeTests {
    /// The excerpt's bytes (CRLF lines), and the offsets where its lines start.
    static func excerpt() throws -> (bytes: [UInt8], lineStarts: [Int]) {
        let bytes = [UInt8](try Data(contentsOf: TestData.excerpt("R1_barber_telemetry_data_sample.csv")))
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A && index + 1 < bytes.count {
            starts.append(index + 1)
        }
        return (bytes, starts)
    }

    @Test("two passes — the first ending mid-line, even between CR and LF — give the samples and ledger of one pass")
    func twoPasses() throws {
        let (bytes, starts) = try Self.excerpt()
        let whole = RowIssueLedger()
        let url = try TestData.temporaryFile("growing_telemetry.csv", "")
        try Data(bytes).write(to: url)
        let expected = try TelemetryReader(url: url, ledger: whole).readAll()

        // Cut inside line 2,496 (file line numbers: header = 1), between lines 2,489 and 2,500 that read two
        // accx_can values for one ECU instant; then exactly before the LF of line 3,000.
        for cut in [starts[2_495] + 17, starts[3_000] - 1] {
            try Data(bytes[..<cut]).write(to: url)
            let first = RowIssueLedger()
            var pass = try TelemetryReader(url: url, ledger: first, wholeLinesOnly: true).makeIterator()
            var samples: [TelemetrySample] = []
            while let sample = pass.next() { samples.append(sample) }
            let position = pass.position
            let lastWholeLine = starts.lastIndex { $0 <= cut }!  // lines before the cut's line are whole
            #expect(position == FilePosition(offset: Int64(starts[lastWholeLine]), line: lastWholeLine))
            #expect(pass.unfinishedBytes == cut - starts[lastWholeLine])

            // The writer finishes the file; the second pass starts at the position, not at row 0.
            try Data(bytes).write(to: url)
            let second = RowIssueLedger()
            var rest = try TelemetryReader(url: url, ledger: second, from: position, wholeLinesOnly: true)
                .makeIterator()
            var more: [TelemetrySample] = []
            while let sample = rest.next() { more.append(sample) }
            #expect(rest.position == FilePosition(offset: Int64(bytes.count), line: 4_001))
            #expect(rest.unfinishedBytes == 0)

            // The second pass did not count the first part again: its ledger has only rows past the position,
            // and the two ledgers add up to the one-pass ledger, reason by reason.
            for reason in Set(whole.counts.map(\.reason)) {
                #expect(first.count(reason: reason) + second.count(reason: reason) == whole.count(reason: reason))
            }
            #expect(
                second.counts.allSatisfy { count in
                    let row = count.example.flatMap { Int($0.dropFirst(4).prefix { $0.isNumber }) } ?? 0
                    return row > lastWholeLine
                })
            // Joined, the two passes equal one pass: the second re-reads the lines before the position silently,
            // so its duplicate and repeated-reading windows catch a pair either side of the cut.
            #expect(samples + more == expected)
        }
    }

    @Test("a position before the end of the header reads from the first data line")
    func positionInHeader() throws {
        let url = TestData.excerpt("R1_barber_telemetry_data_sample.csv")
        let fromStart = try TelemetryReader(url: url, ledger: RowIssueLedger()).readAll()
        let odd = try TelemetryReader(url: url, ledger: RowIssueLedger(), from: FilePosition(offset: 5, line: 1))
            .readAll()
        #expect(odd == fromStart)
    }
}
