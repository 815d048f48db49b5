import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import Testing

/// What `roadsense watch` prints for strategy predictions and simulation batches, written out by hand.
@Suite("watch lines for strategy and simulation")
struct StrategyWatchLineTests {
    @Test("a prediction: laps, tyre age, slope, next lap with its interval, window or least costly stop, loss, model")
    func predictionLine() {
        var prediction = StrategyPrediction(
            vehicleID: "GR86-022-13", carNumber: 13, computedMs: 5, lapsCompleted: 14, lapsRemaining: 13,
            degradationMsPerLap: 18.2, degradationStderr: 95.4, predictedNextLapMs: 97_944.4, pitWindowOpenLap: nil,
            pitWindowCloseLap: nil, confidence: 0.171, cleanLaps: 11, model: "pace-rls v2 (14 races, 5144 clean laps)",
            rationale: "", nextLapLowMs: 97_464.2, nextLapHighMs: 98_380.4, tyreAgeLaps: 13, pitLossMs: 27_312,
            pitLossStops: 2,
            bestStop: PitWindow.Option(lap: 15, expectedGainMs: -24_149, lowMs: -30_000, highMs: -18_000))
        func line() -> String {
            UpdateFormatter.line(Update(seq: 1, publishedMs: 5, topic: "strategy.13", body: .prediction(prediction)))
        }
        #expect(
            line()
                == "strategy.13             lap 14/27  tyres 13  deg +18 ±95 ms/lap  next 1:37.944 (1:37.464–1:38.380)  "
                + "no stop pays (best L15 -24.1 s)  loss 27.3 s measured  conf 0.17  pace-rls v2 (14 races, 5144 clean laps)"
        )
        // A window under green and under caution, the model's pit loss.
        (prediction.pitWindowOpenLap, prediction.pitWindowCloseLap) = (16, 22)
        prediction.bestStop = PitWindow.Option(lap: 18, expectedGainMs: 4_250, lowMs: -1_000, highMs: 9_000)
        (prediction.cautionWindowOpenLap, prediction.cautionWindowCloseLap) = (15, 25)
        prediction.pitLossStops = 0
        #expect(line().contains("pit laps 16-22 (best L18 +4.2 s)  caution L15-25  loss 27.3 s model"), "\(line())")
    }

    @Test("a simulation: laps, runs, options, races per second and model; likeliest winners; stops that move most")
    func simulationLine() {
        func car(_ number: Int, _ position: Int, _ expected: Double, win: Double, podium: Double) -> FinishProjection {
            FinishProjection(
                vehicleID: "", carNumber: number, currentPosition: position, expectedPosition: expected,
                winProbability: win, podiumProbability: podium)
        }
        func stop(_ number: Int, lap: Int, _ expected: Double) -> StrategyOutcome {
            StrategyOutcome(
                vehicleID: "", carNumber: number, pitLap: lap, pitLossMs: 57_000, expectedGainMs: -40_000,
                expectedPosition: expected, winProbability: 0, podiumProbability: 0, positionCounts: [])
        }
        let batch = SimulationBatch(
            computedMs: 5, iterations: 10_000, seed: 1, lapsRemaining: 13,
            cars: [
                car(13, 1, 1.4, win: 0.62, podium: 0.97), car(22, 2, 1.8, win: 0.35, podium: 0.99),
                car(46, 3, 3.1, win: 0.03, podium: 0.8),
            ],
            options: [stop(13, lap: 15, 2.9), stop(22, lap: 16, 2.6), stop(46, lap: 15, 3.2)], racesSimulated: 40_000,
            runsPerSecond: 451_234.6, model: "pace-rls v2")
        #expect(
            UpdateFormatter.line(Update(seq: 1, publishedMs: 5, topic: "simulation", body: .simulation(batch)))
                == "simulation              simulation of 13 laps × 10000 runs, 3 stop options, 40000 races at 451235/s "
                + "(pace-rls v2): #13 win 62% podium 97%, #22 win 35% podium 99%, #46 win 3% podium 80%; "
                + "stops: #13 L15 P1.4→P2.9, #22 L16 P1.8→P2.6, #46 L15 P3.1→P3.2")
    }
}
