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
