import Foundation
import Testing

@testable import RaceDomain

/// Out-of-range and implausible values in every reader: counted as bad rows with their first example,
/// never a trap; and no real row of the seven tracks is rejected by the plausibility ranges.
@Suite("Reader plausibility")
struct ReaderPlausibilityTests {
    private static let weatherHeader =
        "TIME_UTC_SECONDS;TIME_UTC_STR;AIR_TEMP;TRACK_TEMP;HUMIDITY;PRESSURE;WIND_SPEED;WIND_DIRECTION;RAIN\n"
    private static let telemetryHeader =
        "expire_at,lap,meta_event,meta_session,meta_source,meta_time,original_vehicle_id,outing,telemetry_name,"
        + "telemetry_value,timestamp,vehicle_id,vehicle_number\n"

    private func telemetryRow(
        _ name: String, _ value: String, ecu: String = "2025-09-05T00:28:20.593Z",
        meta: String = "2025-09-06T18:40:41.926Z"
    ) -> String {
        ",2,I_R06,R1,kafka:gr-raw,\(meta),GR86-002-000,0,\(name),\(value),\(ecu),GR86-002-000,0\n"
    }

    /// Every real file of `kind` under the data directory (`telemetry`, `26_Weather`, `lap_`, `23_`).
    private func realFiles(containing part: String) throws -> [URL] {
        let enumerator = try #require(FileManager.default.enumerator(at: TestData.trd, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.lastPathComponent.contains(part) }
            .sorted { $0.path < $1.path }
    }

    /// Rows counted under a reason starting with `implausible` or `out of range`.
    private func rejected(_ ledger: RowIssueLedger) -> [BadRowCount] {
        ledger.counts.filter { $0.reason.hasPrefix("implausible") || $0.reason.hasPrefix("out of range") }
    }

    @Test("counts a TIME_UTC_SECONDS too large for Int64 as out of range instead of trapping")
    func weatherTimeOverflow() throws {
        let text =
            Self.weatherHeader + "99999999999999999999;x;20;30;50;1000;5;180;0\n"
            + "1e300;x;20;30;50;1000;5;180;0\n" + "1757184078;x;20;30;50;1000;5;180;0\n"
        let ledger = RowIssueLedger()
        let samples = try WeatherReader.read(url: try TestData.temporaryFile("w.CSV", text), ledger: ledger)
        #expect(samples.map(\.timeMs) == [1_757_184_078_000])
        #expect(ledger.count(reason: "out of range TIME_UTC_SECONDS") == 2)
        #expect(
            ledger.firstExample(file: "w.CSV", kind: "weather", reason: "out of range TIME_UTC_SECONDS")
                == "row 2 field TIME_UTC_SECONDS: '99999999999999999999' is out of range")
    }

    @Test("skips weather rows outside the years 2000-2100 as implausible TIME_UTC_SECONDS")
    func weatherTimeYears() throws {
        let text =
            Self.weatherHeader + "86400;x;20;30;50;1000;5;180;0\n" + "4133980800;x;20;30;50;1000;5;180;0\n"
            + "946684800;x;20;30;50;1000;5;180;0\n"
        let ledger = RowIssueLedger()
        let samples = try WeatherReader.read(url: try TestData.temporaryFile("w.CSV", text), ledger: ledger)
        #expect(samples.map(\.timeMs) == [946_684_800_000])
        #expect(ledger.count(reason: "implausible TIME_UTC_SECONDS") == 2)
    }

    @Test("reads implausible and non-finite weather values as missing, each counted, and keeps the row")
    func weatherValues() throws {
        let text =
            Self.weatherHeader + "1757184078;x;61;91;101;799;301;361;2\n" + "1757184079;x;nan;inf;-1;1101;-0.5;-1;1\n"
            + "1757184080;x;-50;-50;0;800;0;0;0\n" + "1757184081;x;60;90;100;1100;300;360;1\n"
        let ledger = RowIssueLedger()
        let samples = try WeatherReader.read(url: try TestData.temporaryFile("w.CSV", text), ledger: ledger)

        #expect(samples.count == 4)
        for sample in samples.prefix(2) {
            #expect(sample.airTempC == nil && sample.trackTempC == nil && sample.humidityPct == nil)
            #expect(sample.pressureHPa == nil && sample.windSpeedKph == nil && sample.windDirectionDeg == nil)
        }
        #expect(samples[0].rain == false && samples[1].rain == true)
        #expect(
            samples[2]
                == WeatherSample(
                    timeMs: 1_757_184_080_000, airTempC: -50, trackTempC: -50, humidityPct: 0, pressureHPa: 800,
                    windSpeedKph: 0, windDirectionDeg: 0, rain: false))
        #expect(samples[3].airTempC == 60 && samples[3].windDirectionDeg == 360 && samples[3].rain)
        for field in ["AIR_TEMP", "TRACK_TEMP", "HUMIDITY", "PRESSURE", "WIND_SPEED", "WIND_DIRECTION"] {
            #expect(ledger.count(reason: "implausible \(field)") == 2, "\(field)")
        }
        #expect(ledger.count(reason: "implausible RAIN") == 1)
        #expect(
            ledger.firstExample(file: "w.CSV", kind: "weather", reason: "implausible AIR_TEMP")
                == "row 2 field AIR_TEMP: '61' is implausible (-50…60)")
        #expect(
            ledger.firstExample(file: "w.CSV", kind: "weather", reason: "implausible TRACK_TEMP")
                == "row 2 field TRACK_TEMP: '91' is implausible (-50…90)")
    }

    @Test("skips a telemetry value outside its channel's range and names row, field and value")
    func telemetryValues() throws {
        let text =
            Self.telemetryHeader + telemetryRow("speed", "120.5") + telemetryRow("speed", "1e29")
            + telemetryRow("nmot", "12001") + telemetryRow("gear", "-2") + telemetryRow("accy_can", "10.5")
            + telemetryRow("VBOX_Lat_Min", "-90.5") + telemetryRow("Laptrigger_lapdist_dls", "30001")
            + telemetryRow("pbrake_f", "-5") + telemetryRow("aps", "110")
        let ledger = RowIssueLedger()
        let samples = try TelemetryReader(url: try TestData.temporaryFile("t.csv", text), ledger: ledger).readAll()

        #expect(samples.map(\.channel) == ["speed", "pbrake_f", "aps"])
        for channel in ["speed", "nmot", "gear", "accy_can", "VBOX_Lat_Min", "Laptrigger_lapdist_dls"] {
            #expect(ledger.count(reason: "implausible \(channel)") == 1, "\(channel)")
        }
        #expect(
            ledger.counts.first { $0.reason == "implausible speed" }?.example
                == "row 3 field telemetry_value: '1e29' is implausible for speed")
    }

    @Test("skips telemetry rows whose timestamp or meta_time lies outside the years 2000-2100")
    func telemetryTimes() throws {
        let text =
            Self.telemetryHeader + telemetryRow("speed", "100", ecu: "1970-01-01T00:00:00.000Z")
            + telemetryRow("speed", "100", meta: "2101-01-01T00:00:00.000Z")
            + telemetryRow("speed", "100", ecu: "2100-12-31T23:59:59.999Z")
        let ledger = RowIssueLedger()
        let samples = try TelemetryReader(url: try TestData.temporaryFile("t.csv", text), ledger: ledger).readAll()
        #expect(samples.count == 1)
        #expect(ledger.count(reason: "implausible timestamp") == 1)
        #expect(ledger.count(reason: "implausible meta_time") == 1)
    }

    @Test("skips lap-file rows outside the years 2000-2100 and drops an implausible lap_time value")
    func lapFiles() throws {
        let header = "lap,meta_time,timestamp,value,vehicle_id\n"
        let text =
            header + "1,2025-09-06T18:40:41.927Z,1999-12-31T23:59:59.999Z,,GR86-002-000\n"
            + "2,9999-09-06T18:40:41.927Z,2025-09-06T18:40:41.775Z,,GR86-002-000\n"
            + "3,2025-09-06T18:42:41.927Z,2025-09-06T18:42:41.775Z,99999999999999999,GR86-002-000\n"
            + "4,2025-09-06T18:44:41.927Z,2025-09-06T18:44:41.775Z,120000,GR86-002-000\n"
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(
            url: try TestData.temporaryFile("x_lap_time.csv", text), kind: .time, ledger: ledger)
        #expect(events.map(\.lap) == [3, 4])
        #expect(events.map(\.durationMs) == [nil, 120_000])
        #expect(ledger.count(reason: "implausible timestamp") == 1)
        #expect(ledger.count(reason: "implausible meta_time") == 1)
        #expect(ledger.count(reason: "implausible value") == 1)
    }

    @Test("counts analysis durations that overflow or exceed a day, and impossible speeds, without trapping")
    func analysisValues() throws {
        let header = "NUMBER;LAP_NUMBER;LAP_TIME;S1;KPH;ELAPSED;HOUR;TOP_SPEED;PIT_TIME;FLAG_AT_FL\n"
        let text =
            header + "7;1;99999999999999999:00.000;;;;13:00:00.000;;;GF\n"
            + "7;2;9223372036854775:00.000;;;;13:02:00.000;;;GF\n" + "7;3;24:00:00.000;;;;13:04:00.000;;;GF\n"
            + "7;4;1:40.000;99999999999999999999;nan;100:00:00.000;13:06:00.000;401;25:00:00;GF\n"
            + "7;5;1:40.000;30.000;120.5;8:20.000;13:08:00.000;180.2;;GF\n"
        let ledger = RowIssueLedger()
        let laps = try AnalysisReader.read(url: try TestData.temporaryFile("a.CSV", text), ledger: ledger)

        #expect(laps.map(\.lap) == [4, 5])
        #expect(laps[0].s1Ms == nil && laps[0].kph == nil && laps[0].elapsedMs == nil)
        #expect(laps[0].topSpeedKph == nil && laps[0].pitTimeMs == nil)
        #expect(laps[1].s1Ms == 30_000 && laps[1].kph == 120.5 && laps[1].topSpeedKph == 180.2)
        #expect(ledger.count(reason: "bad LAP_TIME") == 2)
        #expect(ledger.count(reason: "implausible LAP_TIME") == 1)
        #expect(ledger.count(reason: "bad sector time") == 1)
        #expect(ledger.count(reason: "implausible KPH") == 1)
        #expect(ledger.count(reason: "implausible ELAPSED") == 1)
        #expect(ledger.count(reason: "implausible TOP_SPEED") == 1)
        #expect(ledger.count(reason: "implausible PIT_TIME") == 1)
    }

    @Test("rejects no real telemetry, weather, lap or analysis row as implausible or out of range")
    func realDataPasses() throws {
        let ledger = RowIssueLedger()
        var samples = 0
        for url in try realFiles(containing: "telemetry") {
            samples += try TelemetryReader(url: url, ledger: ledger).reduce(0) { count, _ in count + 1 }
        }
        var weather = 0
        for url in try realFiles(containing: "26_Weather") {
            weather += try WeatherReader.read(url: url, ledger: ledger).count
        }
        var events = 0
        for url in try realFiles(containing: "_lap_") {
            events += try LapEventReader.read(url: url, ledger: ledger).count
        }
        var laps = 0
        for url in try realFiles(containing: "23_Analysis") {
            laps += try AnalysisReader.read(url: url, ledger: ledger).count
        }

        #expect(samples > 19_000 && weather > 500 && events > 10_000 && laps > 6_000)
        #expect(rejected(ledger) == [])
    }
}
