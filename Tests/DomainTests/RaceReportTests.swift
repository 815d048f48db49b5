import Foundation
import Testing

@testable import RaceDomain

@Suite("Race report")
struct RaceReportTests {
    @Test("formats lap times as m:ss.fff and differences with a sign")
    func lapTimeText() {
        #expect(LapTimeText.format(98_326) == "1:38.326")
        #expect(LapTimeText.format(59_471) == "0:59.471")
        #expect(LapTimeText.format(3_723_004) == "1:02:03.004")
        #expect(LapTimeText.format(nil as Int64?) == nil)
        #expect(LapTimeText.delta(156) == "+0.156")
        #expect(LapTimeText.delta(-1_204) == "-1.204")
        #expect(LapTimeText.delta(68_000) == "+1:08.000")
    }

    @Test("splits a label two cars share into runs of rows, keeps a unique label whole")
    func entries() {
        func lap(_ label: String, _ number: Int, _ row: Int) -> AnalysisLap {
            AnalysisLap(
                carNumber: Int(label)!, carLabel: label, lap: number, lapTimeMs: 100_000, s1Ms: nil, s2Ms: nil,
                s3Ms: nil, kph: nil, elapsedMs: nil, hourOfDayMs: 0, topSpeedKph: nil, pitIn: false, pitTimeMs: nil,
                flag: "GF", row: row)
        }
        let laps = [lap("3", 1, 2), lap("3", 2, 3), lap("7", 2, 4), lap("3", 1, 5), lap("7", 1, 6), lap("3", 2, 7)]
        let entries = AnalysisEntry.group(laps)
        #expect(entries.map { "\($0.carLabel)/\($0.entry ?? 0)/\($0.laps.count)" } == ["3/1/2", "3/2/2", "7/0/2"])
        #expect(entries[2].bestLap?.lap == 2)
    }

    @Test("sonoma R2 uses the final 03_Results file, which carries car 71's penalty the provisional lacks")
    func sonomaFinalResults() throws {
        let files = try RaceFiles.locate(directory: TestData.trd("sonoma"), race: 2)
        #expect(files.results?.lastPathComponent == "03_Results_Anonymized.CSV")
        let report = try RaceReport.build(directory: TestData.trd("sonoma"), race: 2)
        #expect(report.resultsKind == "final")
        let car71 = try #require(report.car("71"))
        #expect(car71.onTrackPosition == 3 && car71.finishingPosition == 26 && car71.penaltyMs == 100_000)
        // Sonoma R2 has no weather file in its race folder; the Al Kamel site copy is used.
        #expect(report.weather?.file == "26_Weather__Race_2.CSV")
        #expect(report.files.contains { $0.kind == "weather" && $0.file.hasPrefix("/") })
    }

    @Test("without an overall results file, the by-class one gives the finishing positions (its POS is overall)")
    func resultsByClassOnly() throws {
        // The excerpt holds barber R1's 05_ file only: POS 1 is car 13, POS 2 car 22, POS 3 car 72 (its rows 2–4).
        let report = try RaceReport.build(directory: TestData.excerpt, race: 1)
        #expect(report.resultsFile == "05_Results by Class GR Cup Race 1 Official_Anonymized.CSV")
        #expect(report.resultsKind == "official; results by class, whose POS is the overall position")
        let positions = report.cars.compactMap { car in car.finishingPosition.map { ($0, car.carLabel) } }.sorted {
            $0.0 < $1.0
        }
        #expect(positions.prefix(3).map(\.1) == ["13", "22", "72"])
        #expect(positions.map(\.0) == Array(1...22))
        #expect(report.text().contains("Results: 05_Results by Class GR Cup Race 1 Official_Anonymized.CSV (official;"))
    }

    @Test("barber R1: table, JSON, sentinel track temperature, vehicle of car 2, no rain")
    func barber() throws {
        let report = try RaceReport.build(directory: TestData.trd("barber"), race: 1)
        #expect(report.track == "barber" && report.race == 1 && report.utcOffsetHours == -5)
        #expect(report.resultsKind == "provisional")
        let winner = try #require(report.cars.first)
        #expect(winner.carLabel == "13" && winner.finishingPosition == 1 && winner.bestLap == "1:37.428")
        #expect(winner.bestLapNumber == 8 && winner.lapsCompleted == 27 && winner.status == "Classified")
        #expect(winner.theoreticalBestMs == winner.bestS1Ms! + winner.bestS2Ms! + winner.bestS3Ms!)
        #expect(winner.greenLaps + winner.cautionLaps == 27)
        #expect(report.car("2")?.vehicleIDs == ["GR86-002-000"])

        let weather = try #require(report.weather)
        #expect(weather.trackTempMinC == nil && weather.trackTempMaxC == nil && !weather.rain)
        #expect(weather.airTempMinC != nil)
        #expect(report.badRows.contains { $0.reason == "constant 0 track temperature (sensor absent)" })

        let decoded = try JSONDecoder().decode(RaceReport.self, from: report.json())
        #expect(decoded == report)
        let text = report.text()
        #expect(text.contains("RoadSense post-race review — barber race 1"))
        #expect(text.contains("  1     1  13     27  1:37.428   L8"))
        #expect(text.contains("track n/a"))
    }

    @Test("vir R2: the lap_time file is R1's and is ignored; no TOP_SPEED; +5 s for car 2 on the road winner")
    func virWrongSession() throws {
        let report = try RaceReport.build(directory: TestData.trd("vir"), race: 2)
        let lapTime = try #require(report.files.first { $0.kind == "lap_time" })
        #expect(lapTime.status == "ignored" && lapTime.rows > 400)
        #expect(report.badRows.contains { $0.kind == "lap_time" && $0.reason == "file from another session (ignored)" })
        #expect(report.files.first { $0.kind == "lap_end" }?.status == "used")
        #expect(report.cars.allSatisfy { $0.topSpeedKph == nil })
        let car2 = try #require(report.car("2"))
        #expect(car2.onTrackPosition == 1 && car2.finishingPosition == 6 && car2.penaltyMs == 5_000)
    }

    @Test("cars sharing a number get the vehicle whose lap_end events keep one offset to their crossings")
    func sharedNumbers() throws {
        let cota = try RaceReport.build(directory: TestData.trd("cota"), race: 1)
        #expect(cota.car("3", entry: 1)?.vehicleIDs == ["GR86-040-3"])
        #expect(cota.car("3", entry: 2)?.vehicleIDs == ["GR86-037-03"])
        // Indianapolis keeps the zeros, and the crossings say `03` is GR86-040-3, not GR86-037-03.
        let indy = try RaceReport.build(directory: TestData.trd("indianapolis"), race: 1)
        #expect(indy.car("03")?.vehicleIDs == ["GR86-040-3"])
        #expect(indy.car("3")?.vehicleIDs == ["GR86-037-03"])
        #expect(indy.car("21")?.vehicleIDs == ["GR86-047-21"])
        #expect(indy.car("021")?.vehicleIDs == [])
        #expect(!indy.notes.contains { $0.hasPrefix("GR86-040-3:") })
    }
}
