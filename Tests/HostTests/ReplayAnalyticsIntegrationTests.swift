import Foundation
import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The analytics and weather plugins as real processes on the whole Barber race 1: every report they publish
/// carries exactly the domain's `CarPace` / `CompetitorGap` / `WeatherConditions` as of its instant (those are
/// checked against the organisers' files in `RaceAnalyticsTests`), the store reads back what was published, and
/// the reports made after the flag agree with the organisers' results and best-laps files directly.
@Suite("Replay: analytics reports carry the live analytics", .serialized)
struct ReplayAnalyticsIntegrationTests {
    static let barber = TestPaths.sharedTRD.appendingPathComponent("barber")

    /// `+2.740` → 2740; `-` (the leader) → nil.
    static func gapMs(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "-" { return nil }
        return TRDTime.parseDuration(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed)
    }

    @Test("every published report equals the domain functions as of its instant; store and PUB agree; the flag")
    func reportsCarryTheLiveAnalytics() throws {
        // Without the simulation job: in a debug build its 10,000 races per option take longer than the 3 s its
        // 15-minute interval gives it at 300× (ReplayStrategyIntegrationTests runs it on this race).
        let config = try TestPaths.temporaryDirectory("analytics-config").appendingPathComponent("config.json")
        try Data(#"{"schedule": [{"name": "run-batch-simulations", "enabled": false}]}"#.utf8).write(to: config)
        let run = try ReplayIntegrationTests.replay(Self.barber, extra: ["--config", config.path])
        #expect(run.status == 0, "host exited \(run.status): \(run.stderr.suffix(3000))")
        let data = try RaceData.load(try RaceFiles.locate(directory: Self.barber, race: 1), ledger: RowIssueLedger())
        let reports = run.updates.compactMap { update -> AnalyticsReport? in
            if case .report(let report) = update.body { return report } else { return nil }
        }
        let byKind = Dictionary(grouping: reports, by: \.kind)
        #expect(byKind["performance"]?.count ?? 0 >= 3 && byKind["competitor"]?.count ?? 0 >= 2)
        #expect(byKind["weather"]?.count ?? 0 >= 3)

        // Each report, as the plugin computed it in its own process, equals the domain's figures as of then.
        for report in byKind["performance"] ?? [] {
            let expected = CarPace.all(laps: data.laps, asOfMs: report.generatedMs).sorted { $0.carKey < $1.carKey }
            #expect(
                report.cars.compactMap(\.pace).sorted { $0.carKey < $1.carKey } == expected, "\(report.generatedMs)")
        }
        for report in byKind["competitor"] ?? [] {
            let expected = CompetitorGap.all(laps: data.laps, asOfMs: report.generatedMs)
            #expect(report.cars.compactMap(\.gap) == expected, "at \(report.generatedMs)")
        }
        for report in byKind["weather"] ?? [] {
            let expected = WeatherConditions.asOf(data.weather, asOfMs: report.generatedMs)
            #expect(report.conditions == expected, "at \(report.generatedMs)")
        }

        // The store holds the last published report of each kind, every figure included.
        let store = try SQLiteRaceStore(path: run.storePath)
        for kind in ["performance", "competitor", "weather"] {
            let published = try #require(byKind[kind]?.max { $0.generatedMs < $1.generatedMs })
            #expect(try store.latestReport(kind: kind) == published, "\(kind)")
        }

        // After the flag: the final competitor report's gaps are the results file's, the final performance
        // report's best laps the best-laps file's.
        let lastCrossing = try #require(data.laps.map(\.crossedMs).max())
        let final = try #require(try store.latestReport(kind: "competitor"))
        #expect(final.generatedMs >= lastCrossing)
        let gaps = Dictionary(uniqueKeysWithValues: final.cars.compactMap(\.gap).map { ($0.carKey, $0) })
        var compared = 0
        for row in data.results where row.laps == 27 {
            let gap = try #require(gaps[String(row.carNumber)], "car \(row.carNumber)")
            #expect(gap.position == row.position, "car \(row.carNumber)")
            #expect(gap.gapToLeaderMs == Self.gapMs(row.gapFirst) ?? 0, "car \(row.carNumber) \(row.gapFirst)")
            #expect(gap.gapToAheadMs == Self.gapMs(row.gapPrevious), "car \(row.carNumber) \(row.gapPrevious)")
            compared += 1
        }
        #expect(compared >= 15)
        #expect(gaps["18"]?.lapsBehindLeader == 1 && gaps["88"]?.lapsBehindLeader == 14)

        let performance = try #require(try store.latestReport(kind: "performance"))
        #expect(performance.generatedMs >= lastCrossing)
        let best = try BestLapsReader.read(
            url: Self.barber.appendingPathComponent("99_Best 10 Laps By Driver_Race 1_Anonymized.CSV"),
            ledger: RowIssueLedger())
        for row in best {
            let pace = performance.cars.first { $0.carNumber == row.carNumber }?.pace
            #expect(pace?.bestLapMs == row.laps.first?.lapTimeMs, "car \(row.carNumber)")
            #expect(pace?.bestLapNumber == row.laps.first?.lapNumber, "car \(row.carNumber)")
        }
        #expect(best.count >= 20)

        // The published weather report after the flag: barber has no track sensor and no rain.
        let weather = try #require(try store.latestReport(kind: "weather")?.conditions)
        #expect(weather.samples == 43 && weather.airTempC == 30.41 && weather.trackTempC == nil && !weather.rainSeen)
    }
}
