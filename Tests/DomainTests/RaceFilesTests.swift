import Foundation
import Testing

@testable import RaceDomain

@Suite("RaceFiles and RaceData")
struct RaceFilesTests {
    @Test("finds both barber races in the flat folder, official results preferred")
    func barberFlat() throws {
        let race1 = try RaceFiles.locate(directory: TestData.trd("barber"), race: 1)
        #expect(race1.lapEnd?.lastPathComponent == "R1_barber_lap_end.csv")
        #expect(race1.analysis?.lastPathComponent == "23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV")
        #expect(race1.telemetry.map(\.lastPathComponent) == ["R1_barber_telemetry_data_sample.csv"])
        #expect(race1.resultsByClass?.lastPathComponent == "05_Results by Class GR Cup Race 1 Official_Anonymized.CSV")
        #expect(race1.results?.lastPathComponent == "03_Provisional Results_Race 1_Anonymized.CSV")
        let race2 = try RaceFiles.locate(directory: TestData.trd("barber"), race: 2)
        #expect(race2.telemetry.map(\.lastPathComponent) == ["R2_sample_telemetry.csv"])
        #expect(race2.results?.lastPathComponent == "03_Results GR Cup Race 2 Official_Anonymized.CSV")
        #expect(race2.weather?.lastPathComponent == "26_Weather_Race 2_Anonymized.CSV")
    }

    @Test("uses the Race N sub-folder and every naming variant")
    func subfolders() throws {
        let cota2 = try RaceFiles.locate(directory: TestData.trd("cota"), race: 2)
        #expect(cota2.analysis?.lastPathComponent == "23_AnalysisEnduranceWithSections_ Race 2_Anonymized.CSV")
        #expect(cota2.lapEnd?.lastPathComponent == "COTA_lap_end_time_R2.csv")
        #expect(cota2.lapStart?.lastPathComponent == "COTA_lap_start_time_R2.csv")
        #expect(cota2.lapTime?.lastPathComponent == "COTA_lap_time_R2.csv")
        let cota1 = try RaceFiles.locate(directory: TestData.trd("cota"), race: 1)
        #expect(cota1.results?.lastPathComponent == "00_Results GR Cup Race 1 Official_Anonymized.CSV")
        let roadAmerica = try RaceFiles.locate(directory: TestData.trd("road-america"), race: 1)
        #expect(roadAmerica.lapEnd?.lastPathComponent == "road_america_lap_end_R1.csv")
        #expect(roadAmerica.results?.lastPathComponent == "03_Results GR Cup Race 1 Official1_Anonymized.CSV")
        let sonoma = try RaceFiles.locate(directory: TestData.trd("sonoma"), race: 1)
        #expect(sonoma.results?.lastPathComponent == "03_Results_Anonymized.CSV")
        let indy = try RaceFiles.locate(directory: TestData.trd("indianapolis"), race: 2)
        #expect(indy.lapEnd?.lastPathComponent == "R2_indianapolis_motor_speedway_lap_end.csv")
        #expect(indy.analysis?.lastPathComponent == "23_AnalysisEnduranceWithSections_Race 2.CSV")
        #expect(indy.resultsByClass?.lastPathComponent == "05_GR Cup Race 2 Official Results by Class.CSV")
    }

    @Test("throws naming the directory when it is missing or has no race files")
    func errors() throws {
        do {
            _ = try RaceFiles.locate(directory: URL(fileURLWithPath: "/nonexistent/track"), race: 1)
            Issue.record("expected an error")
        } catch let error as TRDError {
            #expect(error.code == .fileMissing && error.file == "/nonexistent/track")
        }
        do {
            _ = try RaceFiles.locate(directory: TestData.trd("barber"), race: 3)
            Issue.record("expected an error")
        } catch let error as TRDError {
            #expect(error.code == .raceFilesMissing)
            #expect(error.description.contains("barber"))
        }
    }

    @Test("loads barber R1: offset -5 h, crossings within seconds of lap_end, lap counts as in lap_end")
    func loadBarber() throws {
        let ledger = RowIssueLedger()
        let data = try RaceData.load(try RaceFiles.locate(directory: TestData.trd("barber"), race: 1), ledger: ledger)
        #expect(data.utcOffsetMs == -5 * 3_600_000)
        #expect(data.laps.count == 579)
        #expect(data.results.count == 22 && data.resultsByClass.count == 22 && data.bestLaps.count == 22)

        // Car 13, lap 1 crossing vs its lap_end event.
        #expect(data.vehicleIDs(forCar: 13) == ["GR86-022-13"])
        let lap = try #require(data.laps.first { $0.carNumber == 13 && $0.lap == 5 })
        #expect(lap.vehicleID == "GR86-022-13")
        let crossings = data.lapEnds.filter { $0.vehicleID == "GR86-022-13" }.map(\.timestampMs)
        #expect(crossings.contains { abs($0 - lap.crossedMs) <= 3_000 })
        #expect(lap.crossedMs / TRDTime.dayMs == TRDTime.parseISO("2025-09-06T00:00:00Z")! / TRDTime.dayMs)

        // GR86-002-000 (number 0) is matched to an analysis car by its crossing times, or left unmapped.
        if let matched = data.matchedByCrossing["GR86-002-000"] {
            #expect(data.vehicleIDs(forCar: matched).contains("GR86-002-000"))
        }
    }

    @Test("loads the committed excerpt and places HOUR on the UTC clock")
    func loadExcerpt() throws {
        let ledger = RowIssueLedger()
        let files = try RaceFiles.locate(directory: TestData.excerpt, race: 1)
        #expect(files.directory.lastPathComponent == "barber-r1-excerpt")
        #expect(files.bestLaps != nil && files.weather != nil && files.lapStart != nil && files.lapTime != nil)
        let data = try RaceData.load(files, ledger: ledger)
        #expect(data.utcOffsetMs == -18_000_000)
        #expect(data.laps.count == 132)
        let first = try #require(data.laps.first { $0.carNumber == 3 && $0.lap == 1 })
        #expect(first.crossedMs == TRDTime.parseISO("2025-09-06T18:42:35.322Z"))
        #expect(first.flag == "FCY" && !first.isGreen)
    }

    @Test("anchors on weather when no lap_end file exists, and throws when nothing anchors HOUR")
    func weatherAnchor() throws {
        var files = try RaceFiles.locate(directory: TestData.excerpt, race: 1)
        files.lapEnd = nil
        let data = try RaceData.load(files, ledger: RowIssueLedger())
        #expect(data.utcOffsetMs == -18_000_000)
        files.weather = nil
        #expect(throws: TRDError.self) { try RaceData.load(files, ledger: RowIssueLedger()) }
    }
}

@Suite("RaceData offsets")
struct RaceDataOffsetTests {
    @Test("finds the documented HOUR offset of every track from its lap_end file")
    func offsets() throws {
        let expected: [(String, Int, Int64)] = [
            ("sonoma", 1, -7), ("cota", 1, -5), ("sebring", 2, -4), ("vir", 1, -4), ("road-america", 2, -5),
            ("barber", 2, -5), ("indianapolis", 1, -4),
        ]
        for (track, race, hours) in expected {
            let data = try RaceData.load(
                try RaceFiles.locate(directory: TestData.trd(track), race: race), ledger: RowIssueLedger())
            #expect(data.utcOffsetMs == hours * 3_600_000, "\(track) R\(race)")
        }
    }

    @Test("maps GR86-002-000 to car 2 in barber R1: GR86-060-2 (vehicle_number 2) crosses with car 111")
    func unnumberedVehicle() throws {
        let data = try RaceData.load(
            try RaceFiles.locate(directory: TestData.trd("barber"), race: 1), ledger: RowIssueLedger())
        #expect(data.matchedByCrossing["GR86-002-000"] == 2)
        #expect(data.vehicleIDs(forCar: 2) == ["GR86-002-000"])
        #expect(data.laps.filter { $0.carNumber == 2 }.allSatisfy { $0.vehicleID == "GR86-002-000" })
    }
}
