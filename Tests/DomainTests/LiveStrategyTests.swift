import Foundation
import Testing

@testable import RaceDomain

/// The strategy plugin's online state on the organisers' Barber race 1 timing (22 cars, 27 laps, stops by cars 46
/// and others, two caution laps at the start).
@Suite("Live strategy")
struct LiveStrategyTests {
    static func barberLaps() throws -> [LapRecord] {
        let files = try RaceFiles.locate(directory: TestData.trd("barber"), race: 1)
        return try RaceData.load(files, ledger: RowIssueLedger()).laps
    }

    static let model = PaceTrainer().train(races: [try! PaceModelTests.barber(2)])

    @Test("laps fed as they arrive give the predictions of filters fed every lap at once; each lap is fed once")
    func onlineEqualsBatch() throws {
        let laps = try Self.barberLaps()
        var online = LiveStrategy(model: Self.model)
        // Every 15 crossings, the request carries all laps so far (as the host sends them).
        var sent = 0
        while sent < laps.count {
            sent = min(laps.count, sent + 15)
            online.update(laps: Array(laps.prefix(sent)))
        }
        #expect(online.lapsFed == laps.count && online.restarts == 0)

        var batch = LiveStrategy(model: Self.model)
        batch.update(laps: laps)
        let now = laps.map(\.crossedMs).max() ?? 0
        let predictions = online.predictions(raceLaps: 27, nowMs: now)
        #expect(predictions == batch.predictions(raceLaps: 27, nowMs: now))
        #expect(predictions.count == Set(laps.compactMap(\.carNumber)).count)
        #expect(predictions.allSatisfy { $0.model == Self.model.version })

        // A corrected lap time starts that car's filter again; the others are left alone.
        var corrected = laps
        let index = try #require(corrected.firstIndex { $0.carNumber == 13 && $0.lap == 10 })
        corrected[index].lapTimeMs = (corrected[index].lapTimeMs ?? 0) + 1
        let before = online.lapsFed
        online.update(laps: corrected)
        #expect(online.restarts == 1 && online.lapsFed - before == laps.filter { $0.carNumber == 13 }.count)
    }

    @Test("each car's pit window is PitWindow.plan on its filter with the pit loss measured in the race so far")
    func pitWindowIsTheDomainsOnTheSameLaps() throws {
        let laps = try Self.barberLaps()
        // At lap 14 of the leader: the laps crossed by then.
        let leaderLap14 = try #require(laps.first { $0.lap == 14 }).crossedMs
        let soFar = laps.filter { $0.crossedMs <= leaderLap14 }
        var live = LiveStrategy(model: Self.model)
        live.update(laps: soFar)
        let predictions = live.predictions(raceLaps: 27, nowMs: leaderLap14)

        // The measured loss: PaceTrainer's measurement on the same laps, each car's in lap order.
        let byCar = Dictionary(grouping: soFar) { CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber) }
            .mapValues { $0.sorted { $0.lap < $1.lap } }
        let losses = PaceTrainer.pitLosses(HistoricalRace(name: "barber R1", cars: byCar)).filter { !$0.underCaution }
        let median = try #require(Statistics.median(losses.map(\.loss)))
        #expect(live.measuredPitLoss?.stops == losses.count && losses.count >= 1)

        // Each car's filter on its laps; the intervals are scaled by the spread of the whole field's residuals.
        let filters = byCar.mapValues { laps in
            var filter = StintPaceFilter(model: Self.model)
            for lap in laps { filter.update(lap) }
            return filter
        }
        let residuals = filters.values.flatMap(\.relativeResiduals)
        let spread = try #require(StintPaceFilter.fieldSpread(filters.values))
        #expect(residuals.count >= 100, "\(residuals.count) residuals")
        #expect(abs(spread - 1.4826 * (Statistics.median(residuals) ?? 0)) < 1e-15)

        var compared = 0
        for prediction in predictions {
            let key = CarKey.of(vehicleID: prediction.vehicleID, carNumber: prediction.carNumber)
            guard let filter = filters[key] else { continue }
            guard let reference = filter.referenceMs,
                let window = PitWindow.plan(filter: filter, raceLaps: 27, measuredPitLossMs: median * reference)
            else { continue }
            #expect(prediction.pitWindowOpenLap == window.window?.lowerBound, "car \(key)")
            #expect(prediction.pitWindowCloseLap == window.window?.upperBound, "car \(key)")
            #expect(prediction.bestStop == window.leastCostly, "car \(key)")
            #expect(prediction.bestStopUnderCaution == window.leastCostlyUnderCaution, "car \(key)")
            #expect(prediction.pitLossMs == median * reference && prediction.pitLossStops == losses.count)
            #expect(prediction.tyreAgeLaps == filter.tyreAge)
            let next = try #require(filter.forecast(horizon: 1, fieldSpread: spread))
            #expect(prediction.predictedNextLapMs == next.meanMs && prediction.nextLapLowMs == next.lowMs)
            #expect(prediction.nextLapHighMs == next.highMs)
            #expect(prediction.forecasts.map(\.horizon) == [1, 2, 3, 4, 5])
            compared += 1
        }
        #expect(compared >= 18)
    }

    @Test("without a race length there is no pit window and 5 laps are forecast")
    func unknownRaceLength() throws {
        var live = LiveStrategy(model: .builtInPrior)
        live.update(laps: Array(try Self.barberLaps().prefix(100)))
        let predictions = live.predictions(raceLaps: 0, nowMs: 0)
        #expect(!predictions.isEmpty)
        #expect(predictions.allSatisfy { $0.bestStop == nil && $0.pitWindowOpenLap == nil && $0.forecasts.count == 5 })
        #expect(predictions.allSatisfy { $0.model == "pace-rls v2 built-in prior (trained on no race)" })
    }
}
