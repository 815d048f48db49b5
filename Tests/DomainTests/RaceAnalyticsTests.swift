import Foundation
import Testing

@testable import RaceDomain

/// Pace, competitor, weather and live-state analytics on the real files. Expected values are read off the
/// organisers' files (results `GAP_FIRST` / `GAP_PREVIOUS`, `23_` lap and sector times, `26_` readings) or
/// computed by hand from them with Python's `statistics` module (noted where used).
@Suite("Race analytics as of an instant")
struct RaceAnalyticsTests {
    private static func barber(_ race: Int) throws -> RaceData {
        let files = try RaceFiles.locate(directory: TestData.trd("barber"), race: race)
        return try RaceData.load(files, ledger: RowIssueLedger())
    }

    /// UTC crossing of `car`'s lap `lap` in the loaded race.
    private func crossing(_ data: RaceData, car: Int, lap: Int) throws -> Int64 {
        try #require(data.laps.first { $0.carNumber == car && $0.lap == lap }).crossedMs
    }

    @Test("barber R1 pace: best laps and sectors from 23_, consistency and mean from Python statistics.pstdev")
    func barberPace() throws {
        let paces = CarPace.all(laps: try Self.barber(1).laps)
        let car13 = try #require(paces.first { $0.carKey == "13" })
        #expect(car13.bestLapMs == 97_428 && car13.bestLapNumber == 8)
        #expect(car13.bestS1Ms == 26_592 && car13.bestS2Ms == 42_380 && car13.bestS3Ms == 28_418)
        #expect(car13.theoreticalBestMs == 97_390)
        #expect(car13.s1DeltaMs == 0 && car13.s2DeltaMs == 0 && car13.s3DeltaMs == 0)
        #expect(car13.cleanLaps == 23 && car13.meanCleanLapMs == 98_086 && car13.consistencyMs == 382)
        #expect(car13.greenLaps == 25 && car13.cautionLaps == 2 && car13.lapsCompleted == 27)

        let car22 = try #require(paces.first { $0.carKey == "22" })
        #expect(car22.s1DeltaMs == 52 && car22.s2DeltaMs == 72 && car22.s3DeltaMs == 188)
        #expect(car22.consistencyMs == 318 && car22.meanCleanLapMs == 98_202)
        let car72 = try #require(paces.first { $0.carKey == "72" })
        #expect(car72.consistencyMs == 405 && car72.bestLapMs == 97_737 && car72.bestLapNumber == 7)
        #expect(paces.first?.carKey == "13", "sorted by best lap")
    }

    @Test(
        "whole-race pace equals the verified race report for every car with a unique number",
        arguments: OrganiserAgreementTests.races)
    func paceMatchesReport(race: OrganiserAgreementTests.Race) throws {
        let directory = TestData.trd(race.track)
        let files = try RaceFiles.locate(directory: directory, race: race.number)
        let data = try RaceData.load(files, ledger: RowIssueLedger())
        let report = RaceReport.build(data: data, ledger: RowIssueLedger())
        let paces = Dictionary(CarPace.all(laps: data.laps).map { ($0.carKey, $0) }, uniquingKeysWith: { a, _ in a })
        let labels = Dictionary(grouping: report.cars.filter { $0.lapsCompleted > 0 }, by: \.carNumber)

        var compared = 0
        for (number, cars) in labels where cars.count == 1 {
            let car = cars[0]
            let pace = try #require(paces[String(number)], "car \(car.carLabel)")
            #expect(pace.lapsCompleted == car.lapsCompleted, "car \(car.carLabel)")
            #expect(pace.bestLapMs == car.bestLapMs && pace.bestLapNumber == car.bestLapNumber, "car \(car.carLabel)")
            #expect(pace.theoreticalBestMs == car.theoreticalBestMs, "car \(car.carLabel)")
            #expect(pace.topSpeedKph == car.topSpeedKph, "car \(car.carLabel)")
            #expect(pace.greenLaps == car.greenLaps && pace.cautionLaps == car.cautionLaps, "car \(car.carLabel)")
            #expect(pace.pitLaps == car.pitLaps, "car \(car.carLabel)")
            #expect(pace.consistencyMs == car.consistencyMs && pace.cleanLaps == car.cleanLaps, "car \(car.carLabel)")
            #expect(pace.meanCleanLapMs == car.meanCleanLapMs, "car \(car.carLabel)")
            #expect(pace.s1DeltaMs == car.s1DeltaMs && pace.s2DeltaMs == car.s2DeltaMs, "car \(car.carLabel)")
            #expect(pace.s3DeltaMs == car.s3DeltaMs, "car \(car.carLabel)")
            compared += 1
        }
        #expect(compared >= 10)
    }

    @Test("barber R1 gaps at the flag equal the results file's GAP_FIRST and GAP_PREVIOUS")
    func barberGapsAtFlag() throws {
        let data = try Self.barber(1)
        let gaps = CompetitorGap.all(laps: data.laps)
        let byKey = Dictionary(uniqueKeysWithValues: gaps.map { ($0.carKey, $0) })

        // Every car on the lead lap: the results' gaps are the line-crossing differences (no penalties here).
        var compared = 0
        for row in data.results where row.laps == 27 {
            let gap = try #require(byKey[String(row.carNumber)], "car \(row.carNumber)")
            #expect(gap.position == row.position, "car \(row.carNumber)")
            #expect(gap.gapToLeaderMs == Self.gapMs(row.gapFirst) ?? 0, "car \(row.carNumber) \(row.gapFirst)")
            #expect(gap.gapToAheadMs == Self.gapMs(row.gapPrevious), "car \(row.carNumber) \(row.gapPrevious)")
            compared += 1
        }
        #expect(compared >= 15)
        #expect(byKey["22"]?.gapToLeaderMs == 2_740 && byKey["72"]?.gapToAheadMs == 7_915)

        // Lapped cars: `1 Lap`, `14 Laps` in GAP_FIRST is lapsBehindLeader (car 18: 26 laps, car 88: 13).
        var lapped = 0
        for row in data.results where row.gapFirst.hasSuffix("Lap") || row.gapFirst.hasSuffix("Laps") {
            let laps = Int(row.gapFirst.split(separator: " ")[0])
            #expect(byKey[String(row.carNumber)]?.lapsBehindLeader == laps, "car \(row.carNumber) \(row.gapFirst)")
            lapped += 1
        }
        #expect(lapped == 2)
    }

    /// `+2.740` → 2740; `-` (the leader) → nil.
    private static func gapMs(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "-" { return nil }
        return TRDTime.parseDuration(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed)
    }

    @Test("barber R1 pace over the last 5 laps, closing rate and threats at the flag, by hand from 23_")
    func barberClosing() throws {
        let gaps = CompetitorGap.all(laps: try Self.barber(1).laps)
        let leader = try #require(gaps.first)
        let second = gaps[1]
        #expect(leader.carKey == "13" && second.carKey == "22")
        // Laps 23–26 (lap 27 is the FF lap): 13 (98199+98328+98635+98550)/4, 22 (98108+97884+98136+97881)/4.
        #expect(leader.paceMs == 98_428 && second.paceMs == 98_002)
        #expect(second.closingOnAheadMsPerLap == 426)
        #expect(second.lapsToContact == 2_740.0 / 426.0)
        #expect(leader.undercutThreatFrom == "22" && second.overcutThreatFrom == nil)
        #expect(leader.gapToLeaderMs == 0 && leader.carAhead == nil && leader.lapsBehindLeader == 0)
    }

    @Test("as of a mid-race instant, every figure equals the one computed from the laps known by then")
    func incremental() throws {
        let data = try Self.barber(1)
        let leaderLap10 = try crossing(data, car: 13, lap: 10)
        let secondLap10 = try crossing(data, car: 22, lap: 10)
        // ELAPSED 17:27.443 − 17:23.838 in 23_.
        #expect(secondLap10 - leaderLap10 == 3_605)

        for instant in [leaderLap10 - 1, leaderLap10, secondLap10, secondLap10 + 60_000] {
            let known = data.laps.filter { $0.crossedMs <= instant }
            #expect(CarPace.all(laps: data.laps, asOfMs: instant) == CarPace.all(laps: known))
            #expect(CompetitorGap.all(laps: data.laps, asOfMs: instant) == CompetitorGap.all(laps: known))
        }

        let atLeaderLap10 = CarPace.all(laps: data.laps, asOfMs: leaderLap10)
        #expect(atLeaderLap10.first { $0.carKey == "13" }?.lapsCompleted == 10)
        #expect(atLeaderLap10.first { $0.carKey == "22" }?.lapsCompleted == 9)
        let atSecondLap10 = CompetitorGap.all(laps: data.laps, asOfMs: secondLap10)
        let car22 = try #require(atSecondLap10.first { $0.carKey == "22" })
        // On lap 10 car 72 ran second (HOUR 13:58:08.343), 0.254 s ahead of 22 (13:58:08.597).
        #expect(car22.lapsCompleted == 10 && car22.gapToLeaderMs == 3_605 && car22.position == 3)
        #expect(car22.carAhead == "72" && car22.gapToAheadMs == 254)
    }

    @Test("barber R1 weather: last readings of 26_, no track sensor, air trend from a least-squares fit")
    func barberWeather() throws {
        let weather = try Self.barber(1).weather
        let end = try #require(WeatherConditions.asOf(weather))
        #expect(end.samples == 43 && end.timeMs == 1_757_186_711_000)
        #expect(end.airTempC == 30.41 && end.humidityPct == 54.49 && end.pressureHPa == 991.9)
        #expect(end.windSpeedKph == 1.08 && end.windDirectionDeg == 279)
        #expect(end.trackTempC == nil && end.trackTempTrendCPerHour == nil)
        #expect(!end.raining && !end.rainSeen)
        // numpy-free least squares over the 29 samples of the last 30 minutes: 0.8211980998 °C/h.
        #expect(abs((end.airTempTrendCPerHour ?? 0) - 0.821_198_099_818) < 1e-9)

        let early = try #require(WeatherConditions.asOf(weather, asOfMs: 1_757_185_200_000))
        #expect(early.samples == 18 && early.timeMs == 1_757_185_144_000)
        #expect(early.airTempC == 30.35 && early.humidityPct == 56.7)
        #expect(WeatherConditions.asOf(weather, asOfMs: 1_757_184_000_000) == nil)
    }

    @Test("weather sentinels are missing, a constant 0 track is no sensor, rain is the newest sample's")
    func weatherSentinels() throws {
        func sample(_ second: Int64, air: Double?, track: Double?, rain: Bool) -> WeatherSample {
            WeatherSample(
                timeMs: second * 1000, airTempC: air, trackTempC: track, humidityPct: -999, pressureHPa: nil,
                windSpeedKph: 3, windDirectionDeg: 90, rain: rain)
        }
        let raw = [
            sample(0, air: 20, track: 30, rain: false), sample(60, air: -999, track: -999, rain: true),
            sample(120, air: nil, track: 0, rain: false),
        ]
        let conditions = try #require(WeatherConditions.asOf(raw))
        #expect(conditions.airTempC == 20 && conditions.trackTempC == 0 && conditions.humidityPct == nil)
        #expect(!conditions.raining && conditions.rainSeen)
        let wet = try #require(WeatherConditions.asOf(raw, asOfMs: 60_000))
        #expect(wet.raining && wet.trackTempC == 30)

        let noSensor = [sample(0, air: 20, track: 0, rain: false), sample(60, air: 21, track: 0, rain: false)]
        let dry = try #require(WeatherConditions.asOf(noSensor))
        #expect(dry.trackTempC == nil && abs((dry.airTempTrendCPerHour ?? 0) - 60) < 1e-9)
    }

    @Test("live state: the barber R1 head's newest frame, with the timing sheet's lap, best lap and position")
    func liveState() throws {
        let data = try Self.barber(1)
        var pivot = TelemetryPivot()
        let frames = pivot.fold(
            try TelemetryReader(
                url: TestData.trd("barber/R1_barber_telemetry_data_sample.csv"), ledger: RowIssueLedger()
            )
            .readAll())
        let vehicle = "GR86-002-000"
        let last = try #require(pivot.latest().first { $0.vehicleID == vehicle })

        let states = LiveCarState.all(frames: frames, laps: data.laps, carByVehicle: data.carByVehicle)
        let state = try #require(states.first { $0.vehicleID == vehicle })
        #expect(state.speedKph == last.speedKph && state.gear == last.gear && state.rpm == last.rpm)
        #expect(state.brakeFrontBar == last.brakeFrontBar && state.accelLatG == last.accelLatG)
        #expect(state.telemetryTimeMs == last.timeMs)
        let mapped = data.carByVehicle[vehicle]
        #expect(mapped != nil, "GR86-002-000 maps to a timing car by crossing times")
        if let car = mapped {
            let pace = try #require(CarPace.all(laps: data.laps).first { $0.carNumber == car })
            // At the end of the race the car has taken the flag: its lap is the last of its race, not the cool-down.
            #expect(state.carNumber == car && state.lap == pace.lapsCompleted && state.bestLapMs == pace.bestLapMs)
            #expect(state.position != nil)
        }
        // Every timing car is there once, in running order first.
        let timed = states.filter { $0.position != nil }
        #expect(timed.map(\.position!) == Array(1...timed.count))
        #expect(Set(states.map(\.carKey)).count == states.count)

        // Before the first crossing (car 13, 13:42:23.438 local) nobody has timing: the car shows the newest
        // frame received by then, with its telemetry lap counter.
        let firstCrossing = try #require(data.laps.map(\.crossedMs).min())
        let received = frames.filter { $0.vehicleID == vehicle && $0.timeMs < firstCrossing }
        let expected = try #require(received.max { ($0.ecuTimeMs ?? 0) < ($1.ecuTimeMs ?? 0) })
        let beforeStart = LiveCarState.all(frames: frames, laps: data.laps, asOfMs: firstCrossing - 1)
        #expect(beforeStart.count == 1)
        let early = try #require(beforeStart.first)
        #expect(early.vehicleID == vehicle && early.position == nil && early.lap == expected.lap)
        #expect(early.speedKph == expected.speedKph && early.telemetryTimeMs == expected.timeMs)
    }

    @Test("a faster car just ahead is an overcut threat; a slower car behind is no undercut threat (by hand)")
    func threatsByHand() {
        // Car 1 laps in 100.0 s, car 2 in 100.5 s; both start together, car 2 crosses 1.0 s later on lap 1.
        func lap(_ car: Int, _ number: Int, _ crossed: Int64, _ time: Int64) -> LapRecord {
            LapRecord(carNumber: car, lap: number, lapTimeMs: time, crossedMs: crossed, flag: "GF", source: .analysis)
        }
        var laps: [LapRecord] = []
        for number in 1...6 {
            laps.append(lap(1, number, Int64(number) * 100_000, 100_000))
            laps.append(lap(2, number, Int64(number) * 100_500 + 500, 100_500))
        }
        let gaps = CompetitorGap.all(laps: laps)
        #expect(gaps.map(\.carKey) == ["1", "2"])
        // Gap after lap 6: (6 × 100.5 + 0.5) − 6 × 100 = 3.5 s: outside the 3 s window.
        #expect(gaps[1].gapToAheadMs == 3_500 && gaps[1].overcutThreatFrom == nil)
        // Pace over laps 2–6 (lap 1 is never clean): 100.0 s and 100.5 s; car 2 loses 0.5 s a lap.
        #expect(gaps[0].paceMs == 100_000 && gaps[1].paceMs == 100_500)
        #expect(gaps[1].closingOnAheadMsPerLap == -500 && gaps[1].lapsToContact == nil)

        // As of lap 4 the gap was (4 × 100.5 + 0.5) − 400 = 2.5 s: inside the window, car 1 faster.
        let atLap4 = CompetitorGap.all(laps: laps, asOfMs: 4 * 100_500 + 500)
        #expect(atLap4[1].gapToAheadMs == 2_500 && atLap4[1].overcutThreatFrom == "1")
        #expect(atLap4[0].undercutThreatFrom == nil)
    }
}
