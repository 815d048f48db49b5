import Foundation
import Testing

@testable import RaceDomain

/// `ForecastScoring` and `PaceEvaluation.Score` (what `roadsense evaluate` prints) on a race small enough to score by
/// hand.
@Suite("Forecast scoring")
struct ForecastScoringTests {
    /// One car, 8 green laps: lap 1 the start (not fitted); laps 2–5 on a line (+200 ms a lap), lap 6 100 ms above
    /// it, lap 7 a slow lap (103.0 s), lap 8 back to 100.8 s.
    static let race = HistoricalRace(
        name: "hand R1",
        cars: [
            "7": [110_000, 100_000, 100_200, 100_400, 100_600, 100_900, 103_000, 100_800].enumerated().map {
                LapRecord(
                    vehicleID: "7", carNumber: 7, lap: $0.offset + 1, lapTimeMs: Int64($0.element),
                    crossedMs: Int64($0.offset + 1) * 100_000, flag: "GF", source: .analysis)
            }
        ])

    @Test("next lap and next 2 laps from lap 5 on: MAE of the model and both baselines and coverage, by hand")
    func scoredByHand() throws {
        // The model: no prior, no forgetting, no robust weights; noise 0.6 % of the 100 s reference (600 ms); green
        // 80 % interval −1.6 … +3.2 interval scales, scale = √((5 · 600² + n · own²) / (5 + n)), own = 1.4826 ·
        // median |residual| of the laps fitted after the third.
        //
        // Origin lap 5 (laps 2–5 fitted on the line; residuals [0]): scale √(5 · 600² / 6) = 547.72 ms.
        //   lap 6: forecast 100 800, actual 100 900: error 100, inside [99 923.6, 102 552.7];
        //   lap 7: forecast 101 000, actual 103 000: error 2000, outside [100 123.6, 102 752.7].
        //   Baselines: last lap 100 600 (errors 300, 2400), mean of laps 3–5 100 400 (500, 2600).
        // Origin lap 6 (laps 2–6: slope 220, 100 420 at age 3; residuals [0, 100], own 74.13): scale 508.64 ms.
        //   lap 7: forecast 101 080: error 1920, outside [100 266.2, 102 707.6];
        //   lap 8: forecast 101 300, actual 100 800: error 500, inside [100 486.2, 102 927.6].
        //   Baselines: last 100 900 (2100, 100), mean of laps 4–6 100 633.33 (2366.67, 166.67).
        // Origin lap 7 (laps 2–7: slope 494.29, 100 850 at age 3.5; residuals [0, 100, 1920], own 148.26): scale
        //   482.95 ms. lap 8: forecast 102 580: error 1780, outside [101 807.3, 104 125.5].
        //   Baselines: last 103 000 (2200), mean of laps 5–7 101 500 (700).
        let outcomes = ForecastScoring(firstOrigin: 5, horizons: 2).outcomes(
            race: Self.race, model: PaceModelTests.model())
        #expect(
            outcomes.map { "\($0.forecast.lap - $0.horizon)+\($0.horizon)" } == ["5+1", "5+2", "6+1", "6+2", "7+1"])
        let forecasts = [100_800, 101_000, 101_080, 101_300, 102_580.0]
        for (outcome, forecast) in zip(outcomes, forecasts) {
            #expect(abs(outcome.forecast.meanMs - forecast) < 1e-6, "\(outcome.forecast)")
        }
        let scales = [547.723, 547.723, 508.638, 508.638, 482.952]
        for (outcome, scale) in zip(outcomes, scales) { #expect(abs(outcome.forecast.scaleMs - scale) < 1e-3) }

        var all = PaceEvaluation.Score()
        var next = PaceEvaluation.Score()
        for outcome in outcomes {
            all.add(outcome)
            if outcome.horizon == 1 { next.add(outcome) }
        }
        // All five: model (100 + 2000 + 1920 + 500 + 1780) / 5 = 1260; last lap 7100 / 5 = 1420; mean of 3
        // 6333.33 / 5 = 1266.67; 2 of 5 inside the interval.
        #expect(all.count == 5 && abs(all.modelMAE - 1_260) < 1e-6)
        #expect(abs(all.lastLapMAE - 1_420) < 1e-6 && abs(all.meanOfLast3MAE - 1_266.6667) < 1e-3)
        #expect(all.covered == 2 && abs(all.coverage - 0.4) < 1e-12)
        #expect(abs(all.change - (1_260 / 1_266.6667 - 1)) < 1e-6)
        // Next lap only: (100 + 1920 + 1780) / 3 = 1266.67; last lap (300 + 2100 + 2200) / 3 = 1533.33; 1 of 3 inside.
        #expect(next.count == 3 && abs(next.modelMAE - 1_266.6667) < 1e-3 && abs(next.lastLapMAE - 1_533.3333) < 1e-3)
        #expect(next.covered == 1)
    }
}
