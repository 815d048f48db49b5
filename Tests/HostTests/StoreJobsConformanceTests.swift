import Foundation
import RaceDomain
import Testing

@testable import RoadSenseStore

@Suite("Store conformance: schedule state, leadership and the maintenance jobs")
struct StoreJobsConformanceTests {
    @Test(
        "the scheduler leadership has one holder (a flock, an advisory lock): a second handle waits for a release",
        arguments: StoreKind.available)
    func leadership(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, location in
            let a = store.schedulerLeadership()
            let b = try openStore(location).schedulerLeadership()
            #expect(try a.tryAcquire())
            #expect(try !b.tryAcquire())
            #expect(try a.tryAcquire())
            a.release()
            #expect(try b.tryAcquire())
            if case .sqlite(let path) = location { #expect(b.resource == path + "-scheduler.lock") }
            b.release()
        }
    }

    @Test("schedule records are upserted by entry name", arguments: StoreKind.available)
    func scheduleRecords(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ throws in
            var record = ScheduleRecord(
                entry: "cleanup-old-telemetry", spec: "cron \"0 3 * * *\" UTC", lastSlotMs: 1000, nextSlotMs: 2000,
                lastFiredMs: 1001, lastOutcome: nil, fired: 1, skippedOverlap: 0, missed: 0, owner: "host-1")
            try store.saveScheduleRecord(record)
            record.lastOutcome = "succeeded"
            record.owner = "host-2"
            try store.saveScheduleRecord(record)
            #expect(try store.scheduleRecords() == [record])
        }
    }

    @Test(
        "acknowledgement and retention change exactly the old rows and count them",
        arguments: StoreKind.available)
    func maintenance(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ throws in
            let frames = (0..<5).map { i in
                CarFrame(vehicleID: "GR86-002-000", carNumber: 2, timeMs: Int64(i) * 1000, lap: 1, ecuTimeMs: Int64(i))
            }
            try store.upsertFrames(frames)
            try store.upsertCarStates(
                frames.map {
                    CarState(frame: $0, samples: 1, lastLapMs: nil, bestLapMs: nil, position: 1, lapsCompleted: 0)
                })
            func alert(_ id: String, _ at: Int64) -> Alert {
                Alert(
                    alertID: id, vehicleID: "v", carNumber: 2, rule: "stale_feed", severity: .warning, message: "m",
                    raisedMs: at, lap: 1, value: nil, threshold: nil, channel: "")
            }
            try store.upsertAlerts([alert("old", 1000), alert("older", 500), alert("new", 9000)])

            #expect(try store.acknowledgeAlerts(lastRaisedBefore: 2000, nowMs: 10_000) == 2)
            #expect(try store.acknowledgeAlerts(lastRaisedBefore: 2000, nowMs: 11_000) == 0)
            #expect(try store.acknowledgedAlerts() == ["old": 10_000, "older": 10_000])
            // Retention at 20 000 with an age of 9000 (cut-off 11 000) takes the two alerts acknowledged at 10 000
            // and last raised before the cut-off, never the open one; an alerts-only pass leaves the telemetry.
            let policy = RetentionPolicy(telemetryMaxAgeMs: nil, alertMaxAgeMs: 9_000, batchRows: 10)
            #expect(try store.deleteExpired(policy, nowMs: 20_000) == RetentionCounts(alerts: 2, batches: 1))
            #expect(try store.alerts().map(\.alertID) == ["new"])
            #expect(try store.count(.carFrames) == 5 && store.count(.carStates) == 5)
        }
    }

    @Test("reports and simulations read back as written", arguments: StoreKind.available)
    func reportsAndSimulations(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ throws in
            let report = AnalyticsReport(
                kind: "performance", generatedMs: 5000,
                cars: [
                    CarPerformance(
                        vehicleID: "GR86-002-000", carNumber: 2, lapsCompleted: 6, bestLapMs: 98_326, bestLapNumber: 5,
                        theoreticalBestMs: 97_900, topSpeedKph: 180.5, medianGreenLapMs: 98_700, position: 4)
                ], weather: nil, summary: "1 car")
            var first = report
            first.summary = "written before"
            first.cars[0].position = 9
            try store.upsertReport(first)
            try store.upsertReport(report)
            #expect(try store.latestReport(kind: "performance") == report)
            #expect(try store.latestReport(kind: "competitor") == nil)

            // Pace, gap and weather-condition figures, 0 kept apart from unknown.
            let competitor = AnalyticsReport(
                kind: "competitor", generatedMs: 6000,
                cars: report.cars.map { car in
                    var car = car
                    var gap = CompetitorGap(
                        carKey: "2", vehicleID: car.vehicleID, carNumber: 2, position: 4, lapsCompleted: 6)
                    (gap.gapToLeaderMs, gap.carAhead, gap.gapToAheadMs, gap.paceMs) = (5_100, "13", 254, 98_900)
                    (gap.closingOnAheadMsPerLap, gap.lapsToContact, gap.undercutThreatFrom) = (-12, nil, "22")
                    car.gap = gap
                    return car
                }, weather: nil, summary: "P4 #2")
            var paced = report
            paced.generatedMs = 6000
            var pace = CarPace(carKey: "2", laps: [])
            (pace.vehicleID, pace.carNumber, pace.lapsCompleted, pace.bestLapMs) = ("GR86-002-000", 2, 6, 98_326)
            (pace.s1DeltaMs, pace.s2DeltaMs, pace.consistencyMs, pace.cleanLaps) = (0, 72, 0, 4)
            (pace.greenLaps, pace.cautionLaps, pace.pitLaps) = (5, 1, [3, 6])
            paced.cars[0].pace = pace
            var conditions = WeatherConditions(timeMs: 4_000, samples: 18)
            (conditions.airTempC, conditions.rainSeen, conditions.airTempTrendCPerHour) = (30.35, true, 0.82)
            let weather = AnalyticsReport(
                kind: "weather", generatedMs: 6000, cars: [],
                weather: WeatherSample(
                    timeMs: 4_000, airTempC: 30.35, trackTempC: nil, humidityPct: nil, pressureHPa: nil,
                    windSpeedKph: nil, windDirectionDeg: nil, rain: false), summary: "air 30.4 °C",
                conditions: conditions)
            for written in [competitor, paced, weather] {
                try store.upsertReport(written)
                #expect(try store.latestReport(kind: written.kind) == written)
            }

            let batch = SimulationBatch(
                computedMs: 7000, iterations: 2000, seed: UInt64.max, lapsRemaining: 3,
                cars: [
                    FinishProjection(
                        vehicleID: "a", carNumber: 13, currentPosition: 1, expectedPosition: 1.2, winProbability: 0.8,
                        podiumProbability: 1)
                ])
            try store.upsertSimulation(batch)
            try store.upsertSimulation(batch)
            #expect(try store.latestSimulation() == batch)
            #expect(try store.count(.simulations) == 1)

            // A strategy batch: position counts per car, stop options (in car-key order), runs per second, model.
            let counts = [
                FinishProjection(
                    vehicleID: "GR86-022-13", carNumber: 13, currentPosition: 1, expectedPosition: 1.25,
                    winProbability: 0.75, podiumProbability: 1, positionCounts: [7_500, 2_500]),
                FinishProjection(
                    vehicleID: "GR86-002-000", carNumber: nil, currentPosition: 2, expectedPosition: 1.75,
                    winProbability: 0.25, podiumProbability: 1, positionCounts: [2_500, 7_500]),
            ]
            let options = [
                StrategyOutcome(
                    vehicleID: "GR86-022-13", carNumber: 13, pitLap: 20, pitLossMs: 57_215.5,
                    expectedGainMs: -40_100.25,
                    expectedPosition: 1.999, winProbability: 0.001, podiumProbability: 1, positionCounts: [10, 9_990]),
                StrategyOutcome(
                    vehicleID: "GR86-002-000", carNumber: nil, pitLap: 19, pitLossMs: 55_000, expectedGainMs: 1_250.5,
                    expectedPosition: 1.5, winProbability: 0.5, podiumProbability: 1, positionCounts: [5_000, 5_000]),
            ]
            let strategy = SimulationBatch(
                computedMs: 8000, iterations: 10_000, seed: 42, lapsRemaining: 13, cars: counts, options: options,
                racesSimulated: 30_000, runsPerSecond: 95_123.5, model: "pace-rls v2 (14 races, 5144 clean laps)")
            try store.upsertSimulation(strategy)
            try store.upsertSimulation(strategy)
            #expect(try store.latestSimulation() == strategy)
        }
    }

    @Test("laps since an instant: every car's laps crossed at or after it", arguments: StoreKind.available)
    func lapsSince(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ throws in
            let laps = [(13, 1, 100_000), (13, 2, 200_000), (7, 1, 150_000), (7, 2, 260_000)].map {
                LapRecord(
                    vehicleID: "", carNumber: $0.0, lap: $0.1, lapTimeMs: 100_000, crossedMs: Int64($0.2), flag: "GF",
                    source: .analysis)
            }
            try store.upsertLaps(laps)
            let since = try store.laps(since: 150_000)
            #expect(since.map { "\($0.carNumber ?? 0)/\($0.lap)" } == ["13/2", "7/1", "7/2"])
        }
    }
}
