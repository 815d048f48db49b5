import Foundation
import Testing

@testable import RaceDomain

@Suite("Al Kamel readers")
struct AlKamelReaderTests {
    @Test("barber R1 car 13's best analysis lap is 1:37.428, equal to the 05_ results best lap")
    func barberBestLap() throws {
        let ledger = RowIssueLedger()
        let laps = try AnalysisReader.read(
            url: TestData.trd("barber/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"), ledger: ledger)
        #expect(laps.count == 579)
        #expect(Set(laps.map(\.carNumber)).count == 22)
        let car13 = laps.filter { $0.carNumber == 13 }
        let best = try #require(car13.min { $0.lapTimeMs < $1.lapTimeMs })
        #expect(best.lapTimeMs == 97_428)
        #expect(best.lap == 8)

        let results = try ResultsReader.read(
            url: TestData.trd("barber/05_Results by Class GR Cup Race 1 Official_Anonymized.CSV"),
            kind: "results_by_class", ledger: ledger)
        let row13 = try #require(results.first { $0.carNumber == 13 })
        #expect(row13.bestLapMs == best.lapTimeMs)
        #expect(row13.bestLapNumber == 8)
        #expect(row13.position == 1)
        #expect(row13.totalTimeMs == 2_715_035)
        #expect(row13.gapFirst == "")
        #expect(ledger.total == 0)
    }

    @Test("reads the first barber analysis row field by field")
    func firstRow() throws {
        let laps = try AnalysisReader.read(
            url: TestData.excerpt("23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"), ledger: RowIssueLedger())
        let first = try #require(laps.first)
        #expect(first.carNumber == 3 && first.carLabel == "3" && first.lap == 1)
        #expect(first.lapTimeMs == 114_168)
        #expect(first.s1Ms == 33_413 && first.s2Ms == 43_534 && first.s3Ms == 37_221)
        #expect(first.kph == 116.7 && first.topSpeedKph == 182.1)
        #expect(first.elapsedMs == 114_168)
        #expect(first.hourOfDayMs == 49_355_322)
        #expect(first.flag == "FCY" && !first.pitIn && first.pitTimeMs == nil)
        #expect(first.row == 2)
        #expect(laps.allSatisfy { $0.lap <= 6 })
    }

    @Test("reads pit-in and PIT_TIME rows")
    func pitRows() throws {
        let laps = try AnalysisReader.read(
            url: TestData.trd("barber/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"), ledger: RowIssueLedger()
        )
        #expect(laps.filter(\.pitIn).map(\.carNumber).sorted() == [46, 51, 88])
        #expect(laps.first { $0.carNumber == 46 && $0.lap == 9 }?.pitTimeMs == 35_158)
    }

    @Test("parses the indianapolis BOM / CRLF / trailing ';' dialect and keeps 021 apart from 21")
    func indianapolis() throws {
        let ledger = RowIssueLedger()
        let laps = try AnalysisReader.read(
            url: TestData.trd("indianapolis/23_AnalysisEnduranceWithSections_Race 1.CSV"), ledger: ledger)
        #expect(laps.count == 669)
        #expect(laps.first?.carLabel == "021")
        #expect(laps.first?.hourOfDayMs == TRDTime.parseDuration("08:51:09.601"))
        #expect(Set(laps.map(\.carLabel)).count == 29)
    }

    @Test("parses the sonoma INT- variant and counts duplicate car-lap keys")
    func sonoma() throws {
        let ledger = RowIssueLedger()
        let laps = try AnalysisReader.read(
            url: TestData.trd("sonoma/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"), ledger: ledger)
        #expect(laps.first?.s1Ms == 62_814)
        #expect(laps.first?.lapTimeMs == 164_364)
        #expect(ledger.count(reason: "duplicate (NUMBER, LAP_NUMBER)") == 23)
    }

    @Test("reads empty sectors and empty TOP_SPEED as nil without counting them")
    func emptyFields() throws {
        let ledger = RowIssueLedger()
        let roadAmerica = try AnalysisReader.read(
            url: TestData.trd("road-america/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"),
            ledger: ledger)
        #expect(roadAmerica.filter { $0.s1Ms == nil }.count == 50)
        let vir = try AnalysisReader.read(
            url: TestData.trd("vir/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"), ledger: ledger)
        #expect(vir.count == 415)
        #expect(vir.allSatisfy { $0.topSpeedKph == nil })
        #expect(ledger.total == 0)
    }

    @Test("reads barber weather with the constant 0 track temperature as missing, counted once")
    func barberWeather() throws {
        let ledger = RowIssueLedger()
        let weather = try WeatherReader.read(url: TestData.excerpt("26_Weather_Race 1_Anonymized.CSV"), ledger: ledger)
        #expect(weather.count == 43)
        #expect(weather.allSatisfy { $0.trackTempC == nil })
        #expect(weather.first?.timeMs == 1_757_184_078_000)
        #expect(weather.first?.airTempC == 29.8)
        #expect(weather.first?.pressureHPa == 992.9)
        #expect(weather.allSatisfy { !$0.rain })
        #expect(ledger.count(reason: "constant 0 track temperature (sensor absent)") == 1)
        #expect(ledger.total == 1)
    }

    @Test("reads road-america R2 track temperature -999.0 as nil and keeps real values")
    func roadAmericaSentinel() throws {
        let ledger = RowIssueLedger()
        let weather = try WeatherReader.read(
            url: TestData.trd("road-america/Race 2/26_Weather_Race 2_Anonymized.CSV"), ledger: ledger)
        #expect(weather.first?.trackTempC == 30.9)
        #expect(weather.filter { $0.trackTempC == nil }.count == 3)
        #expect(ledger.count(reason: "track temperature sentinel -999") == 3)
        let site = try WeatherReader.read(
            url: TestData.trd("sonoma/alkamel_site/Race 2/26_Weather__Race_2.CSV"), ledger: ledger)
        #expect(site.count == 43)
    }

    @Test("reads float positions and non-starters in vir R1 official results")
    func virResults() throws {
        let ledger = RowIssueLedger()
        let rows = try ResultsReader.read(
            url: TestData.trd("vir/Race 1/03_Results GR Cup Race 1 Official_Anonymized.CSV"), ledger: ledger)
        #expect(rows.count == 24)
        #expect(rows.first?.position == 1 && rows.first?.carNumber == 72 && rows.first?.gapFirst == "-")
        #expect(rows.first?.bestLapMs == 128_511 && rows.first?.bestLapNumber == 10)
        let nonStarter = try #require(rows.first { $0.carNumber == 78 })
        #expect(nonStarter.position == nil && nonStarter.status == "Not started" && nonStarter.totalTimeMs == nil)
        #expect(rows.first { $0.carNumber == 113 }?.totalTimeMs == TRDTime.parseDuration("46:34.974"))
        #expect(ledger.total == 0)
    }

    @Test("reads best-10 laps, skipping the ';;0' padding")
    func bestLaps() throws {
        let ledger = RowIssueLedger()
        let cota = try BestLapsReader.read(
            url: TestData.trd("cota/Race 1/99_Best 10 Laps By Driver_Race 1_Anonymized.CSV"), ledger: ledger)
        let car2 = try #require(cota.first { $0.carNumber == 2 })
        #expect(car2.totalLaps == 1 && car2.laps.isEmpty && car2.averageMs == nil)
        let barber = try BestLapsReader.read(
            url: TestData.excerpt("99_Best 10 Laps By Driver_Race 1_Anonymized.CSV"), ledger: ledger)
        let first = try #require(barber.first)
        #expect(first.carNumber == 2 && first.totalLaps == 27 && first.laps.count == 10)
        #expect(first.laps.first == BestLap(lapTimeMs: 98_326, lapNumber: 5))
        #expect(first.averageMs == 98_421)
        let indy = try BestLapsReader.read(
            url: TestData.trd("indianapolis/99_Best 10 Laps By Driver_Race 1.CSV"), ledger: ledger)
        #expect(indy.count == 29 && indy[1].carLabel == "03")
        #expect(ledger.total == 0)
    }
}
