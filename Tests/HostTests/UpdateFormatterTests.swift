import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import Testing

/// What `roadsense watch` prints for the analytics reports: the summary, then one line per car.
@Suite("watch lines for analytics reports")
struct UpdateFormatterTests {
    func update(_ report: AnalyticsReport) -> Update {
        Update(seq: 1, publishedMs: report.generatedMs, topic: "analytics.\(report.kind)", body: .report(report))
    }

    @Test("a performance report: summary, then per car best lap, sector deltas, consistency, flags and pits")
    func performanceLines() {
        var pace = CarPace(carKey: "46", laps: [])
        (pace.bestLapMs, pace.bestLapNumber, pace.theoreticalBestMs) = (98_202, 14, 98_048)
        (pace.s1DeltaMs, pace.s2DeltaMs, pace.s3DeltaMs) = (92, 325, nil)
        (pace.consistencyMs, pace.cleanLaps, pace.greenLaps, pace.cautionLaps) = (577, 21, 25, 2)
        (pace.pitLaps, pace.topSpeedKph) = ([8, 9], 185.2)
        let car = CarPerformance(
            vehicleID: "GR86-046-9", carNumber: 46, lapsCompleted: 27, bestLapMs: 98_202, bestLapNumber: 14,
            theoreticalBestMs: 98_048, topSpeedKph: 185.2, medianGreenLapMs: nil, position: 16, pace: pace)
        let report = AnalyticsReport(
            kind: "performance", generatedMs: 5, cars: [car], weather: nil, summary: "1 cars; fastest lap …")
        #expect(
            UpdateFormatter.line(update(report)).split(separator: "\n") == [
                "analytics.performance   performance report: 1 cars; fastest lap …",
                "analytics.performance   P16 #46  best 1:38.202 (L14)  theo 1:38.048  S1 +0.092 S2 +0.325 S3 —  "
                    + "σ 0.577 s/21 clean  green 25 caution 2  pit L8,L9  top 185.2 km/h",
            ])
    }

    @Test("a competitor report: per car gaps (laps down when lapped), pace, closing rate, contact, threats")
    func competitorLines() {
        var leader = CompetitorGap(carKey: "13", vehicleID: "", carNumber: 13, position: 1, lapsCompleted: 27)
        (leader.gapToLeaderMs, leader.paceMs, leader.undercutThreatFrom) = (0, 98_428, "22")
        var second = CompetitorGap(carKey: "22", vehicleID: "", carNumber: 22, position: 2, lapsCompleted: 27)
        (second.gapToLeaderMs, second.carAhead, second.gapToAheadMs) = (2_740, "13", 2_740)
        (second.paceMs, second.closingOnAheadMsPerLap, second.lapsToContact) = (98_002, 426, 6.43)
        var lapped = CompetitorGap(
            carKey: "GR86-018-1", vehicleID: "GR86-018-1", carNumber: nil, position: 3, lapsCompleted: 26)
        (lapped.lapsBehindLeader, lapped.gapToLeaderMs, lapped.carAhead) = (1, 112_447, "22")
        (lapped.lapsBehindAhead, lapped.gapToAheadMs, lapped.closingOnAheadMsPerLap) = (1, 109_707, -2_901)
        let cars = [leader, second, lapped].map { gap in
            CarPerformance(
                vehicleID: gap.vehicleID, carNumber: gap.carNumber, lapsCompleted: gap.lapsCompleted, bestLapMs: nil,
                bestLapNumber: nil, theoreticalBestMs: nil, topSpeedKph: nil, medianGreenLapMs: gap.paceMs,
                position: gap.position, gap: gap)
        }
        let report = AnalyticsReport(kind: "competitor", generatedMs: 5, cars: cars, weather: nil, summary: "…")
        #expect(
            UpdateFormatter.line(update(report)).split(separator: "\n") == [
                "analytics.competitor    competitor report: 3 cars in running order",
                "analytics.competitor    P1 #13  leader  pace 1:38.428  undercut threat #22",
                "analytics.competitor    P2 #22  +2.740 s to leader  +2.740 s to #13  pace 1:38.002  "
                    + "closing 0.426 s/lap  contact in 6.4 laps",
                "analytics.competitor    P3 GR86-018-1  +112.447 s (1 lap down) to leader  +109.707 s (1 lap down) "
                    + "to #22  pace —  losing 2.901 s/lap",
            ])
    }

    @Test("a car state shows the lap it is on, and after the chequered flag the laps of its race (not the cool-down)")
    func carStateLap() {
        let frame = CarFrame(vehicleID: "", carNumber: 13, timeMs: 1_000, lap: 28)
        var state = CarState(frame: frame, samples: 0, bestLapMs: 97_428, position: 1, lapsCompleted: 26)
        let update = { (state: CarState) in
            UpdateFormatter.line(Update(seq: 1, publishedMs: 1_000, topic: "telemetry.13", body: .carState(state)))
        }
        #expect(update(state) == "telemetry.13            lap 27  P1  best 1:37.428  0 samples")
        state.lapsCompleted = 27
        state.finished = true
        #expect(update(state) == "telemetry.13            finished, 27 laps  P1  best 1:37.428  0 samples")
    }

    @Test("a weather report, or one without per-car figures, stays one line")
    func weatherLine() {
        let report = AnalyticsReport(
            kind: "weather", generatedMs: 5, cars: [], weather: nil, summary: "air 30.4 °C (+0.8 °C/h), dry")
        #expect(
            UpdateFormatter.line(update(report))
                == "analytics.weather       weather report: air 30.4 °C (+0.8 °C/h), dry")
    }
}
