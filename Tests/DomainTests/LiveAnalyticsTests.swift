import Foundation
import Testing

@testable import RaceDomain

@Suite("Live analytics and the finish simulation")
struct LiveAnalyticsTests {
    func lap(
        _ car: Int, _ number: Int, _ seconds: Double, crossed: Int64, flag: String = "GF", pit: Bool = false,
        sectors: [Int64]? = nil
    ) -> LapRecord {
        LapRecord(
            carNumber: car, lap: number, lapTimeMs: Int64(seconds * 1000), crossedMs: crossed, s1Ms: sectors?[0],
            s2Ms: sectors?[1], s3Ms: sectors?[2], topSpeedKph: 150 + Double(number), flag: flag, pitIn: pit,
            source: .analysis)
    }

    @Test("performance by hand: best lap from lap 2 on, theoretical best from best sectors, median of pace laps")
    func performanceByHand() {
        let laps = [
            lap(7, 1, 90, crossed: 90_000, sectors: [30_000, 30_000, 30_000]),
            lap(7, 2, 100, crossed: 190_000, sectors: [33_000, 34_000, 33_000]),
            lap(7, 3, 99, crossed: 289_000, sectors: [32_500, 33_500, 33_000]),
            lap(7, 4, 101, crossed: 390_000, pit: true),
        ]
        let report = LiveAnalytics.performance(laps: laps, nowMs: 400_000)
        let car = report.cars[0]
        // Lap 1 (90 s, from the grid) does not count; lap 3 is the best; lap 4 is a pit lap, so the pace laps are
        // 2 and 3: median (100 + 99) / 2 = 99.5 s. Sectors: min 30.0 + 30.0 + 30.0 (lap 1's sectors count).
        #expect(car.bestLapMs == 99_000 && car.bestLapNumber == 3)
        #expect(car.medianGreenLapMs == 99_500)
        #expect(car.theoreticalBestMs == 90_000)
        #expect(car.topSpeedKph == 154)
        #expect(car.lapsCompleted == 4 && car.position == 1)
        #expect(report.kind == "performance" && report.generatedMs == 400_000)
    }

    @Test(
        "on the Barber excerpt each car's best lap equals the organisers' best-laps file where it falls in the excerpt")
    func performanceMatchesOrganisers() throws {
        let files = try RaceFiles.locate(directory: TestData.excerpt, race: 1)
        let data = try RaceData.load(files, ledger: RowIssueLedger())
        let report = LiveAnalytics.performance(laps: data.laps, nowMs: 0)
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
    }

    @Test("competitors: gap to the car ahead at the line on the same lap, and lapped cars in laps")
    func competitors() {
        let laps = [
            lap(1, 1, 100, crossed: 100_000), lap(1, 2, 100, crossed: 200_000),
            lap(2, 1, 101, crossed: 101_000), lap(2, 2, 101.5, crossed: 202_500),
            lap(3, 1, 120, crossed: 120_000), lap(4, 1, 250, crossed: 250_000),
        ]
        let report = LiveAnalytics.competitors(laps: laps, nowMs: 300_000)
        #expect(report.cars.map(\.carNumber) == [1, 2, 3, 4])
        // Car 2 crossed lap 2 at 202.5 s, car 1 at 200.0 s: 2.5 s behind. Car 3 crossed lap 1 at 120 s, 19 s after
        // car 2 did (101 s), before car 2 completed lap 2: 19 s behind, not lapped. Car 4 crossed lap 1 at 250 s,
        // 130 s after car 3, which has completed no later lap: 130 s behind, not lapped.
        #expect(
            report.summary
                == "P1 #1 pace 1:40.000; P2 #2 +2.500 s pace 1:41.500; P3 #3 +19.000 s; P4 #4 +130.000 s")
        // Against car 2, car 4 is a lap down: car 2 crossed lap 2 (202.5 s) before car 4 crossed lap 1 (250 s).
        let twoCars = LiveAnalytics.competitors(laps: laps.filter { $0.carNumber == 2 || $0.carNumber == 4 }, nowMs: 0)
        #expect(twoCars.summary == "P1 #2 pace 1:41.500; P2 #4 +1 lap(s)")
    }

    @Test("weather: latest reading and the track-temperature change over the window")
    func weather() {
        let samples = [
            WeatherSample(
                timeMs: 0, airTempC: 25, trackTempC: 40, humidityPct: 50, pressureHPa: nil, windSpeedKph: 5,
                windDirectionDeg: nil, rain: false),
            WeatherSample(
                timeMs: 1_200_000, airTempC: 26, trackTempC: 43.5, humidityPct: 48, pressureHPa: nil,
                windSpeedKph: 6, windDirectionDeg: nil, rain: false),
        ]
        let report = LiveAnalytics.weather(samples: samples, nowMs: 1_300_000)
        #expect(report.weather == samples[1])
        #expect(
            report.summary
                == "air 26.0 °C, track 43.5 °C, humidity 48.0 %, wind 6.0 km/h, dry, track +3.5 °C over 20 min")
    }

    @Test("simulation: nothing left to run keeps the running order; the same seed gives the same batch")
    func simulationDeterminism() {
        var laps: [LapRecord] = []
        for n in 1...6 {
            let crossed = Int64(n) * 100_000
            laps.append(lap(1, n, 100 + Double(n % 3), crossed: crossed))
            laps.append(lap(2, n, 100 + Double(n % 2), crossed: crossed + 3_000))
        }
        let done = FinishSimulation.run(laps: laps, raceLaps: 6, iterations: 500, seed: 1, nowMs: 0)
        #expect(done.lapsRemaining == 0)
        #expect(done.cars.map { $0.winProbability } == [1.0, 0.0])
        #expect(done.cars.map { $0.expectedPosition } == [1.0, 2.0])

        let a = FinishSimulation.run(laps: laps, raceLaps: 20, iterations: 500, seed: 42, nowMs: 0)
        let b = FinishSimulation.run(laps: laps, raceLaps: 20, iterations: 500, seed: 42, nowMs: 0)
        #expect(a == b)
        #expect(a.lapsRemaining == 14)
        #expect(a.cars.allSatisfy { $0.podiumProbability == 1 })
        let totalWins: Double = a.cars.reduce(0) { $0 + $1.winProbability }
        #expect(abs(totalWins - 1) < 1e-9)
    }

    @Test("simulation against the normal distribution: a 3 s lead over equal cars is kept with Φ(3 / (σ√2n))")
    func simulationMatchesNormalModel() {
        // Two cars, identical pace laps 101, 102, 103 s (laps 2–4: mean 102 s, sample sd 1 s); car 1 leads by 3 s,
        // 8 laps to go. Car 2 wins when its 8-lap time beats car 1's by more than 3 s: the difference of two
        // independent N(816 s, √8 s) is N(0, 4 s), so P(car 1 wins) = Φ(3 / 4) = 0.7734.
        var laps: [LapRecord] = []
        for n in 1...4 {
            let time = n == 1 ? 100.0 : 99.0 + Double(n)
            let crossed1 = Int64(n) * 101_000
            laps.append(lap(1, n, time, crossed: crossed1))
            laps.append(lap(2, n, time, crossed: crossed1 + 3_000))
        }
        let batch = FinishSimulation.run(laps: laps, raceLaps: 12, iterations: 40_000, seed: 7, nowMs: 0)
        #expect(batch.lapsRemaining == 8)
        let win = batch.cars[0].winProbability
        // Binomial standard error at 40,000 runs is 0.0021; allow four of them.
        #expect(abs(win - 0.7734) < 0.0084, "P(car 1 wins) = \(win)")
    }
}
