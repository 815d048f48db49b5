import RaceDomain
import RoadSenseProtocol

/// Non-trivial values of every wire type: unicode, empty strings, missing (nil) measurements and extremes.
enum WireFixtures {
    static let fullFrame = CarFrame(
        vehicleID: "GR86-002-000", carNumber: 2, timeMs: 1_714_000_000_123, lap: 17, lapDistanceM: 1234.5,
        speedKph: 187.25, throttlePct: 99.5, brakeFrontBar: 0, brakeRearBar: 0.25, gear: 0, rpm: 7100,
        accelLongG: -1.5, accelLatG: 2.25, steeringDeg: -12.5, latitudeDeg: 33.5319, longitudeDeg: -86.6193,
        ecuTimeMs: 1_713_000_000_456)

    /// Nothing seen yet: every optional is nil and must stay nil through NaN / -1 on the wire.
    static let emptyFrame = CarFrame(vehicleID: "", timeMs: 0)

    static let state = CarState(
        frame: fullFrame, samples: 4_321, lastLapMs: 98_765, bestLapMs: 97_001, position: 3, lapsCompleted: 16,
        maxSpeedKph: 201.5, finished: true)

    static let bareState = CarState(frame: emptyFrame, samples: 0)

    static let lap = LapRecord(
        vehicleID: "GR86-013-055", carNumber: 55, lap: 9, lapTimeMs: 99_123, crossedMs: 1_714_000_100_000,
        s1Ms: 30_100, s2Ms: 35_200, s3Ms: 33_823, topSpeedKph: 205.75, avgSpeedKph: 140.125,
        elapsedMs: 901_234, flag: "FCY", pitIn: true, pitTimeMs: 45_000, source: .lapEnd)

    static let bareLap = LapRecord(carNumber: nil, lap: 1, lapTimeMs: nil, crossedMs: 5, source: .analysis)

    static let weather = WeatherSample(
        timeMs: 1_714_000_000_000, airTempC: 24.5, trackTempC: nil, humidityPct: 61, pressureHPa: 1013.25,
        windSpeedKph: nil, windDirectionDeg: 270, rain: true)

    static let prediction = StrategyPrediction(
        vehicleID: "GR86-002-000", carNumber: 2, computedMs: 1_714_000_200_000, lapsCompleted: 20, lapsRemaining: 25,
        degradationMsPerLap: 42.5, degradationStderr: nil, predictedNextLapMs: 99_500.25, pitWindowOpenLap: 28,
        pitWindowCloseLap: nil, confidence: 0.75, cleanLaps: 2, model: "linear-stint v1",
        rationale: "Reifen bauen ab — Δ 42 ms/Runde 🏁")

    /// A pace-model prediction with every field of issue #8 set (intervals, next laps, pit window both ways).
    static let detailedPrediction = StrategyPrediction(
        vehicleID: "GR86-022-13", carNumber: 13, computedMs: 1_757_184_041_926, lapsCompleted: 14, lapsRemaining: 13,
        degradationMsPerLap: -12.5, degradationStderr: 8.25, predictedNextLapMs: 98_402.125, pitWindowOpenLap: nil,
        pitWindowCloseLap: nil, confidence: 0.4375, cleanLaps: 11, model: "pace-rls v2 (14 races, 5144 clean laps)",
        rationale: "no stop pays under green", nextLapLowMs: 97_811.5, nextLapHighMs: 99_105.25,
        forecasts: (1...5).map {
            LapForecast(
                lap: 14 + $0, horizon: $0, meanMs: 98_400 + Double($0), lowMs: 97_800 - Double($0),
                highMs: 99_100 + 0.5 * Double($0))
        }, tyreAgeLaps: 13, pitLossMs: 57_215.5, pitLossStops: 2, cautionPitLossMs: nil,
        bestStop: PitWindow.Option(lap: 20, expectedGainMs: -40_100.25, lowMs: -52_000, highMs: -28_200.5),
        bestStopUnderCaution: PitWindow.Option(lap: 20, expectedGainMs: 5_200, lowMs: -1_000, highMs: 11_400),
        cautionWindowOpenLap: 18, cautionWindowCloseLap: 24)

    /// A simulation batch with each car's position counts and one stop option.
    static let simulation = SimulationBatch(
        computedMs: 1_757_184_900_000, iterations: 10_000, seed: UInt64.max - 7, lapsRemaining: 13,
        cars: [
            FinishProjection(
                vehicleID: "GR86-022-13", carNumber: 13, currentPosition: 1, expectedPosition: 1.25,
                winProbability: 0.75, podiumProbability: 1, positionCounts: [7_500, 2_500]),
            FinishProjection(
                vehicleID: "", carNumber: nil, currentPosition: 2, expectedPosition: 1.75, winProbability: 0.25,
                podiumProbability: 1, positionCounts: [2_500, 7_500]),
        ],
        options: [
            StrategyOutcome(
                vehicleID: "GR86-022-13", carNumber: 13, pitLap: 20, pitLossMs: 57_215.5, expectedGainMs: -40_100.25,
                expectedPosition: 1.999, winProbability: 0.001, podiumProbability: 1, positionCounts: [10, 9_990])
        ], racesSimulated: 20_000, runsPerSecond: 95_123.5, model: "pace-rls v2 (14 races, 5144 clean laps)")

    static let alert = Alert(
        alertID: "threshold/GR86-002-000/pbrake_f", vehicleID: "GR86-002-000", carNumber: nil, rule: "threshold",
        severity: .critical, message: "front brake pressure 150 bar > 140", raisedMs: 1_714_000_300_000, lap: 21,
        value: 150.5, threshold: nil, channel: "pbrake_f")

    static let performance = CarPerformance(
        vehicleID: "GR86-002-000", carNumber: 2, lapsCompleted: 45, bestLapMs: 97_001, bestLapNumber: 12,
        theoreticalBestMs: nil, topSpeedKph: nil, medianGreenLapMs: 98_400, position: nil)

    static let report = AnalyticsReport(
        kind: "performance", generatedMs: 1_714_000_400_000,
        cars: [
            performance,
            CarPerformance(
                vehicleID: "", carNumber: nil, lapsCompleted: 0, bestLapMs: nil, bestLapNumber: nil,
                theoreticalBestMs: nil, topSpeedKph: nil, medianGreenLapMs: nil, position: nil),
        ],
        weather: weather, summary: "2 cars; 车 2 leads")

    /// A performance car with its pace: one sector without a time, a pit lap, consistency 0 (two equal laps).
    static let pacedPerformance: CarPerformance = {
        var pace = CarPace(
            carKey: "2",
            laps: (1...3).map { lap in
                LapRecord(
                    vehicleID: "GR86-002-000", carNumber: 2, lap: lap, lapTimeMs: 98_000,
                    crossedMs: Int64(lap) * 98_000,
                    s1Ms: 26_000, s2Ms: lap == 1 ? nil : 42_000, s3Ms: nil, topSpeedKph: 181.5, flag: "GF",
                    pitIn: lap == 1, source: .analysis)
            })
        (pace.s1DeltaMs, pace.s2DeltaMs) = (0, 120)
        var car = performance
        car.pace = pace
        return car
    }()

    /// A competitor car with every gap figure, and one with none.
    static let gaps: [CarPerformance] = {
        var second = CompetitorGap(carKey: "7", vehicleID: "", carNumber: 7, position: 2, lapsCompleted: 12)
        (second.gapToLeaderMs, second.carAhead, second.gapToAheadMs) = (2_740, "13", 2_740)
        (second.paceMs, second.closingOnAheadMsPerLap, second.lapsToContact) = (98_100, -35, nil)
        (second.undercutThreatFrom, second.overcutThreatFrom) = ("22", "13")
        var lapped = CompetitorGap(
            carKey: "GR86-099-9", vehicleID: "GR86-099-9", carNumber: nil, position: 3, lapsCompleted: 10)
        (lapped.lapsBehindLeader, lapped.lapsBehindAhead, lapped.closingOnAheadMsPerLap) = (2, 2, 120)
        lapped.lapsToContact = 12.5
        return [second, lapped].map { gap in
            CarPerformance(
                vehicleID: gap.vehicleID, carNumber: gap.carNumber, lapsCompleted: gap.lapsCompleted, bestLapMs: nil,
                bestLapNumber: nil, theoreticalBestMs: nil, topSpeedKph: nil, medianGreenLapMs: gap.paceMs,
                position: gap.position, gap: gap)
        }
    }()

    static let conditions: WeatherConditions = {
        var conditions = WeatherConditions(timeMs: weather.timeMs, samples: 43)
        (conditions.airTempC, conditions.humidityPct, conditions.raining, conditions.rainSeen) = (
            30.41, 54.49, false, true
        )
        (conditions.airTempTrendCPerHour, conditions.trackTempTrendCPerHour) = (-0.821_198_099_818, nil)
        return conditions
    }()

    static let detailedReports = [
        AnalyticsReport(kind: "performance", generatedMs: 1, cars: [pacedPerformance], weather: nil, summary: ""),
        AnalyticsReport(kind: "competitor", generatedMs: 2, cars: gaps, weather: nil, summary: "P2 #7 +2.740 s"),
        AnalyticsReport(
            kind: "weather", generatedMs: 3, cars: [], weather: weather, summary: "air 30.4 °C", conditions: conditions),
    ]

    static let summary = RunSummary(
        cars: 20, laps: 900, samples: 12_000_000, callsDispatched: 5_000, callsFailed: 3, predictions: 400,
        alertsInfo: 10, alertsWarning: 5, alertsCritical: 1, rowsStored: 11_999_000,
        badRows: [
            BadRowCount(
                file: "R1_telemetry.csv", kind: "telemetry", reason: "lap 32768", count: 1_234,
                example: "row 2318 field lap: 32768 is the lost-counter value"),
            BadRowCount(file: "", kind: "weather", reason: "", count: 0),
        ], wallSeconds: 12.5)

    static let feed = FeedStatus(vehicleID: "GR86-004-078", carNumber: nil, lastSampleMs: 1_714_000_000_999)

    static func samples(_ count: Int) -> [TelemetrySample] {
        (0..<count).map { index in
            TelemetrySample(
                vehicleID: "GR86-\(index % 20)", lap: index % 40, metaTimeMs: 1_714_000_000_000 + Int64(index),
                ecuTimeMs: 1_713_000_000_000 - Int64(index), channel: index.isMultiple(of: 2) ? "speed" : "pbrake_f",
                value: Double(index) * 0.5)
        }
    }

    static let call = Call(
        callID: "call-00042", method: "telemetry.ProcessLive", deadlineMs: 1_714_000_000_500, attempt: 3,
        metadata: ["trace.id": "abc", "ключ": "значение", "empty": ""], payload: [0, 1, 2, 255, 0],
        priority: .high)

    static let reply = Reply(
        callID: "call-00042", status: .deadlineExceeded, message: "took 2 s", payload: [],
        metadata: ["worker.pid": "4242"], attempt: 3)

    static let hello = Hello(
        plugin: "telemetry", instanceID: "telemetry-7f3a", pid: 4_242,
        methods: ["telemetry.ProcessLive", "telemetry.Backfill", ""], credits: 8, version: "1.0.0+ünï")

    static let peerMessages: [PeerMessage] = [
        .hello(hello),
        .welcome(Welcome(hostID: "host-1", heartbeatIntervalMs: 1_000, liveness: 3)),
        .heartbeat(Heartbeat(sentMs: 1_714_000_000_000, inFlight: 2)),
        .call(call),
        .reply(reply),
        .cancel(Cancel(callID: "call-00042", reason: "deadline")),
        .goodbye(Goodbye(reason: "")),
    ]

    static let updateBodies: [Update.Body] = [
        .carState(state), .prediction(prediction), .alert(alert), .lap(lap), .weather(weather), .report(report),
        .summary(summary),
    ]
}
