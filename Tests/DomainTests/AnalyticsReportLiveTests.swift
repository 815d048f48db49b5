import Foundation
import Testing

@testable import RaceDomain

/// The analytics plugins' reports: each car carries the domain's `CarPace` / `CompetitorGap`, the weather report
/// the `WeatherConditions`, as of the report's instant. The figures themselves are checked against the
/// organisers' files in `RaceAnalyticsTests`; here, that the reports carry exactly them, plus hand-made cases.
@Suite("Analytics reports from the live analytics")
struct AnalyticsReportLiveTests {
    func lap(
        _ car: Int, _ number: Int, _ seconds: Double, crossed: Int64, flag: String = "GF", pit: Bool = false,
        sectors: [Int64]? = nil
    ) -> LapRecord {
        LapRecord(
            carNumber: car, lap: number, lapTimeMs: Int64(seconds * 1000), crossedMs: crossed, s1Ms: sectors?[0],
            s2Ms: sectors?[1], s3Ms: sectors?[2], topSpeedKph: 150 + Double(number), flag: flag, pitIn: pit,
            source: .analysis)
    }

    @Test("performance by hand: best lap from lap 2, best sectors, consistency of the clean laps, pit laps")
    func performanceByHand() throws {
        let laps = [
            lap(7, 1, 90, crossed: 90_000, sectors: [30_000, 30_000, 30_000]),
            lap(7, 2, 100, crossed: 190_000, sectors: [33_000, 34_000, 33_000]),
            lap(7, 3, 99, crossed: 289_000, sectors: [32_500, 33_500, 33_000]),
            lap(7, 4, 101, crossed: 390_000, pit: true),
        ]
        let report = AnalyticsReport.performance(laps: laps, nowMs: 400_000)
        let car = try #require(report.cars.first)
        let pace = try #require(car.pace)
        // Lap 1 (90 s, from the grid) does not count; lap 3 is the best. Sectors: min 30.0 + 30.0 + 30.0 (lap 1's
        // sectors count), the session's best too (deltas 0). Clean laps 2 and 3 (lap 4 ends in the pit lane):
        // mean 99.5 s, population standard deviation 0.5 s, median 99.5 s. Four green flags, pit on lap 4.
        #expect(car.bestLapMs == 99_000 && car.bestLapNumber == 3 && pace.bestLapNumber == 3)
        #expect(car.theoreticalBestMs == 90_000 && pace.bestS1Ms == 30_000 && pace.s2DeltaMs == 0)
        #expect(pace.cleanLaps == 2 && pace.meanCleanLapMs == 99_500 && pace.consistencyMs == 500)
        #expect(pace.greenLaps == 4 && pace.cautionLaps == 0 && pace.pitLaps == [4])
        #expect(car.medianGreenLapMs == 99_500 && car.topSpeedKph == 154)
        #expect(car.lapsCompleted == 4 && car.position == 1 && car.gap == nil)
        #expect(report.kind == "performance" && report.generatedMs == 400_000)
        #expect(report.summary == "1 cars; fastest lap 1:39.000 by #7 on lap 3; steadiest #7 ±0.500 s")

        // As of 300 s, lap 4 (crossed at 390 s) is not known yet: no pit lap, three laps.
        let earlier = AnalyticsReport.performance(laps: laps, nowMs: 300_000)
        #expect(earlier.cars.first?.pace?.pitLaps == [] && earlier.cars.first?.lapsCompleted == 3)
    }

    @Test("on the Barber excerpt each car's best lap equals the organisers' best-laps file where it falls in it")
    func performanceMatchesOrganisers() throws {
        let files = try RaceFiles.locate(directory: TestData.excerpt, race: 1)
        let data = try RaceData.load(files, ledger: RowIssueLedger())
        let nowMs = try #require(data.laps.map(\.crossedMs).max())
        let report = AnalyticsReport.performance(laps: data.laps, nowMs: nowMs)
        let best = try BestLapsReader.read(
            url: TestData.excerpt("99_Best 10 Laps By Driver_Race 1_Anonymized.CSV"), ledger: RowIssueLedger())
        let lapsInExcerpt = report.cars.map(\.lapsCompleted).max() ?? 0
        var compared = 0
        for row in best {
            guard let fastest = row.laps.first, fastest.lapNumber <= lapsInExcerpt,
                let car = report.cars.first(where: { $0.carNumber == row.carNumber })
            else { continue }
            #expect(car.bestLapMs == fastest.lapTimeMs, "car \(row.carNumber)")
            #expect(car.bestLapNumber == fastest.lapNumber, "car \(row.carNumber)")
            compared += 1
        }
        #expect(compared >= 3)
        #expect(report.cars.first { $0.carNumber == 2 }?.bestLapMs == 98_326)

        // The cars carry exactly the domain's figures, in running order.
        let paces = CarPace.all(laps: data.laps, asOfMs: nowMs)
        #expect(report.cars.count == paces.count)
        #expect(Set(report.cars.compactMap(\.pace?.carKey)) == Set(paces.map(\.carKey)))
        for pace in paces { #expect(report.cars.first { $0.pace?.carKey == pace.carKey }?.pace == pace) }
        #expect(report.cars.map(\.position) == Array(1...report.cars.count).map { $0 })
    }

    @Test("competitors: gaps at the line on the same lap, in running order, with the domain's figures")
    func competitors() throws {
        let laps = [
            lap(1, 1, 100, crossed: 100_000), lap(1, 2, 100, crossed: 200_000),
            lap(2, 1, 101, crossed: 101_000), lap(2, 2, 101.5, crossed: 202_500),
            lap(3, 1, 120, crossed: 120_000), lap(4, 1, 250, crossed: 250_000),
        ]
        let report = AnalyticsReport.competitors(laps: laps, nowMs: 300_000)
        #expect(report.cars.map(\.carNumber) == [1, 2, 3, 4])
        // Car 2 crossed lap 2 at 202.5 s, car 1 at 200.0 s: 2.5 s behind. Car 3 crossed lap 1 at 120 s, 19 s after
        // car 2 did (101 s). Car 4 crossed lap 1 at 250 s, 130 s after car 3. One clean lap each: no pace yet.
        #expect(report.summary == "P1 #1; P2 #2 +2.500 s; P3 #3 +19.000 s; P4 #4 +130.000 s")
        #expect(report.cars.map { $0.gap?.gapToLeaderMs } == [0, 2_500, 20_000, 150_000])
        #expect(report.cars.map { $0.gap?.lapsBehindLeader } == [0, 0, 1, 1])
        #expect(report.cars.map(\.gap) == CompetitorGap.all(laps: laps, asOfMs: 300_000).map { $0 })
        #expect(report.cars.allSatisfy { $0.pace == nil })

        // As of 150 s only lap 1 of cars 1, 2 and 3 is known.
        let early = AnalyticsReport.competitors(laps: laps, nowMs: 150_000)
        #expect(early.summary == "P1 #1; P2 #2 +1.000 s; P3 #3 +19.000 s")
    }

    @Test("weather: newest readings, air and track trends by least squares, rain seen, as of the instant")
    func weather() throws {
        func sample(_ timeMs: Int64, air: Double, track: Double, rain: Bool) -> WeatherSample {
            WeatherSample(
                timeMs: timeMs, airTempC: air, trackTempC: track, humidityPct: 48, pressureHPa: 991,
                windSpeedKph: 6, windDirectionDeg: 90, rain: rain)
        }
        let samples = [
            sample(0, air: 25, track: 40, rain: true), sample(1_200_000, air: 26, track: 43.5, rain: false),
            sample(2_000_000, air: 27, track: 45, rain: false),
        ]
        // As of 1 300 s: two readings 20 minutes apart, +1 °C air (3 °C/h) and +3.5 °C track (10.5 °C/h).
        let report = AnalyticsReport.weather(samples: samples, nowMs: 1_300_000)
        let conditions = try #require(report.conditions)
        #expect(conditions == WeatherConditions.asOf(samples, asOfMs: 1_300_000))
        #expect(conditions.samples == 2 && conditions.rainSeen && !conditions.raining)
        #expect(abs((conditions.airTempTrendCPerHour ?? 0) - 3) < 1e-9)
        #expect(abs((conditions.trackTempTrendCPerHour ?? 0) - 10.5) < 1e-9)
        #expect(report.weather == samples[1])
        #expect(
            report.summary
                == "air 26.0 °C (+3.0 °C/h), track 43.5 °C (+10.5 °C/h), humidity 48.0 %, wind 6.0 km/h, "
                + "dry (rain earlier)")
        #expect(AnalyticsReport.weather(samples: samples, nowMs: -1).summary == "no reading")
    }
}
