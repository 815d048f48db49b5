import Testing

@testable import RaceDomain

@Suite("StrategyEngine")
struct StrategyEngineTests {
    private func lap(
        _ number: Int, _ ms: Int64, flag: String = "GF", pitIn: Bool = false, pitTime: Int64? = nil,
        car: Int = 13
    ) -> LapRecord {
        LapRecord(
            carNumber: car, lap: number, lapTimeMs: ms, crossedMs: Int64(number) * 100_000, flag: flag, pitIn: pitIn,
            pitTimeMs: pitTime, source: .analysis)
    }

    @Test("fits the slope of an exact linear series and predicts the next lap")
    func exactSlope() throws {
        let laps = (1...10).map { lap($0, 100_000 + 500 * Int64($0)) }
        let prediction = try #require(StrategyEngine().predict(laps: laps, raceLaps: 20, nowMs: 7).first)
        #expect(abs(prediction.degradationMsPerLap - 500) < 1e-6)
        #expect(abs(prediction.degradationStderr ?? 1) < 1e-6)
        #expect(abs(prediction.predictedNextLapMs - 105_500) < 1e-6)
        #expect(prediction.cleanLaps == 9)  // lap 1 excluded
        #expect(prediction.lapsCompleted == 10 && prediction.lapsRemaining == 10 && prediction.computedMs == 7)
        #expect(prediction.carNumber == 13 && prediction.model == "linear-stint v1")
    }

    @Test("opens the pit window where fresh tyres win back more than the pit loss")
    func pitWindow() throws {
        // gain(p) = (20 − p) · 500 · (p − 1): 45 s at p = 11 … 35 s at p = 15, 30 s at p = 16 (not more).
        let laps = (1...10).map { lap($0, 100_000 + 500 * Int64($0)) }
        let prediction = try #require(
            StrategyEngine(pitLossMs: 30_000).predict(laps: laps, raceLaps: 20, nowMs: 0).first)
        #expect(prediction.pitWindowOpenLap == 11)
        #expect(prediction.pitWindowCloseLap == 15)
        let noStop = try #require(
            StrategyEngine(pitLossMs: 60_000).predict(laps: laps, raceLaps: 20, nowMs: 0).first)
        #expect(noStop.pitWindowOpenLap == nil && noStop.pitWindowCloseLap == nil)
    }

    @Test("computes the slope standard error of a noisy series by hand")
    func standardError() throws {
        // x 2…5, y 100000, 100300, 100500, 100900: slope 290, residuals 10, 20, −70, 40 → se √700.
        let fit = try #require(
            StrategyEngine.linearFit([(2, 100_000), (3, 100_300), (4, 100_500), (5, 100_900)]))
        #expect(abs(fit.slope - 290) < 1e-9)
        #expect(abs(fit.intercept - 99_410) < 1e-6)
        #expect(abs((fit.stderr ?? 0) - 700.0.squareRoot()) < 1e-9)
        #expect(StrategyEngine.linearFit([(1, 1)]) == nil)
    }

    @Test("ignores FCY laps, the out-lap and laps over 107 % of the stint median; restarts after a pit")
    func cleanLaps() throws {
        var laps = (1...6).map { lap($0, 100_000) }
        laps.append(lap(7, 125_000, pitIn: true))
        laps.append(lap(8, 110_000, pitTime: 35_000))  // out-lap, not green
        laps += (9...14).map { lap($0, 99_000 + 100 * Int64($0)) }
        laps[10] = lap(11, 130_000, flag: "FCY")
        laps.append(lap(15, 120_000))  // > 107 % of the stint median
        let prediction = try #require(StrategyEngine().predict(laps: laps, raceLaps: 20, nowMs: 0).first)
        #expect(prediction.cleanLaps == 4)  // 10, 12, 13, 14 (9 is the first stint lap, 11 FCY, 15 slow)
        #expect(abs(prediction.degradationMsPerLap - 100) < 1e-6)
        #expect(prediction.confidence > 0 && prediction.confidence <= 1)
    }

    @Test("gives low confidence and no window with too few laps")
    func fewLaps() throws {
        let prediction = try #require(StrategyEngine().predict(laps: [lap(1, 100_000)], raceLaps: 20, nowMs: 0).first)
        #expect(prediction.cleanLaps == 0 && prediction.degradationStderr == nil)
        #expect(prediction.pitWindowOpenLap == nil)
        #expect(prediction.confidence == 0)
        #expect(prediction.predictedNextLapMs == 100_000)
    }

    @Test("measures the pit loss from in-lap and out-lap, nil without PIT_TIME")
    func measuredPitLoss() {
        var laps = (1...6).map { lap($0, 100_000) }
        laps.append(lap(7, 118_000, pitIn: true))
        laps.append(lap(8, 108_000, pitTime: 35_000))
        #expect(StrategyEngine.measuredPitLossMs(laps: laps) == 26_000)
        #expect(StrategyEngine.measuredPitLossMs(laps: (1...6).map { lap($0, 100_000) }) == nil)
    }

    @Test("measures a plausible pit loss from barber R1 and predicts every car")
    func barberR1() throws {
        let data = try RaceData.load(
            try RaceFiles.locate(directory: TestData.trd("barber"), race: 1), ledger: RowIssueLedger())
        let loss = try #require(StrategyEngine.measuredPitLossMs(laps: data.laps))
        #expect((15_000...45_000).contains(loss))
        let predictions = StrategyEngine(pitLossMs: loss).predict(laps: data.laps, raceLaps: 27, nowMs: 0)
        #expect(predictions.count == 22)
        #expect(predictions.allSatisfy { $0.confidence >= 0 && $0.confidence <= 1 })
    }
}
