import Foundation
import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The whole default schedule as real processes: a replay of the Barber excerpt drives the ingest, weather,
/// analytics, simulation and maintenance plugins (and alerts.AcknowledgeStale); their results reach the store and
/// the PUB socket.
@Suite("Replay drives every default schedule entry's plugin", .serialized)
struct ReplayJobsIntegrationTests {
    /// 2025-01-01T00:00:00Z: months before the race, past every retention.
    static let longAgoMs: Int64 = 1_735_689_600_000
    /// 2025-09-06T10:00:00Z: the race morning, hours before the 18:40Z start.
    static let raceMorningMs: Int64 = 1_757_152_800_000

    /// Seeds the store and the ingest folder; returns the `--config` arguments that point the ingest plugin at it.
    static func prepare(work: URL, storePath: String) throws -> [String] {
        // Old rows for the maintenance jobs: 5 frames and 3 alerts from January (2 acknowledged then, 1 still
        // open), 1 alert from the race morning.
        let store = try SQLiteRaceStore(path: storePath)
        try store.upsertFrames(
            (0..<5).map {
                CarFrame(vehicleID: "GR86-999-9", timeMs: Self.longAgoMs + Int64($0), ecuTimeMs: Int64($0))
            })
        try store.upsertAlerts(
            [
                ("old-1", Self.longAgoMs), ("old-2", Self.longAgoMs + 1), ("old-open", Self.longAgoMs + 2),
                ("morning", Self.raceMorningMs),
            ].map {
                Alert(
                    alertID: $0.0, vehicleID: "GR86-999-9", carNumber: nil, rule: "stale_feed", severity: .info,
                    message: "seeded", raisedMs: $0.1, lap: 0, value: nil, threshold: nil, channel: "")
            })
        for id in ["old-1", "old-2"] {
            _ = try store.acknowledgeAlert(id: id, note: "seen in January", nowMs: Self.longAgoMs + 10)
        }

        // An external telemetry file for the ingest plugin: the excerpt's, under another name.
        let incoming = work.appendingPathComponent("incoming")
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestPaths.excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv"),
            to: incoming.appendingPathComponent("car2_telemetry.csv"))
        let plugins = PluginConfig.defaults.map { plugin -> PluginConfig in
            var plugin = plugin
            if plugin.name == "ingest" { plugin.arguments = ["--set", "source=\(incoming.path)"] }
            return plugin
        }
        struct Overrides: Encodable { let plugins: [PluginConfig] }
        let config = work.appendingPathComponent("config.json")
        try JSONEncoder().encode(Overrides(plugins: plugins)).write(to: config)
        return ["--config", config.path]
    }

    @Test("ingest, weather, analytics, simulation and maintenance results are stored and published")
    func everyJobRuns() throws {
        let run = try ReplayIntegrationTests.replay(TestPaths.excerpt, prepare: Self.prepare)
        #expect(run.status == 0, "host exited \(run.status): \(run.stderr.suffix(3000))")

        // Every default entry's method ran, and nothing failed.
        let store = try SQLiteRaceStore(path: run.storePath)
        let succeeded = Set(try store.calls(state: .succeeded).map(\.method))
        for entry in ScheduleEntryConfig.defaults {
            #expect(succeeded.contains(entry.method), "no successful call of \(entry.method)")
        }
        #expect(try store.calls(state: .failed).isEmpty)

        // Published on their topics.
        let topics = Set(run.updates.map(\.topic))
        for topic in [
            "analytics.performance", "analytics.competitor", "analytics.weather", "simulation", "ingest",
            "maintenance.cleanup-telemetry", "maintenance.cleanup-alerts", "maintenance.acknowledge-stale-alerts",
        ] {
            #expect(topics.contains(topic), "nothing published on \(topic)")
        }

        // Ingest: the file's 4000 data rows hold 3973 good samples (14 exact duplicates and 13 conflicting
        // readings, a Python csv count); all are taken on the first pass, none after.
        let ingests = run.updates.compactMap { u -> IngestResult? in
            if case .ingest(let r) = u.body { return r } else { return nil }
        }
        #expect(ingests.first?.rowsNew == 3973)
        #expect(ingests.first?.framesStored ?? 0 > 0)
        #expect(ingests.reduce(0) { $0 + $1.rowsNew } == 3973)
        #expect(ingests.allSatisfy { $0.filesScanned == 1 })

        // Maintenance: exactly the seeded old rows went — the alerts acknowledged in January, not the one still
        // open, however old; that one and the morning alert were acknowledged as stale, no race alert was.
        let maintenance = Dictionary(
            run.updates.compactMap { u -> (String, MaintenanceResult)? in
                if case .maintenance(let r) = u.body { return (r.task, r) } else { return nil }
            }, uniquingKeysWith: { _, last in last })
        #expect(maintenance["cleanup-telemetry"]?.rowsDeleted == 5)
        #expect(maintenance["cleanup-alerts"]?.rowsDeleted == 2)
        #expect(maintenance["cleanup-alerts"]?.alertsDeleted == 2)
        #expect(maintenance["cleanup-telemetry"]?.framesDeleted == 5)
        #expect(try store.alerts().filter { $0.alertID.hasPrefix("old-") }.map(\.alertID) == ["old-open"])
        #expect(Set(try store.acknowledgedAlerts().keys) == ["morning", "old-open"])
        #expect(try store.alerts().contains { $0.rule == "stale_feed" && $0.vehicleID == "GR86-002-000" })

        // Analytics: car 2's best lap is the organisers' (lap 5, 1:38.326).
        let performance = try #require(try store.latestReport(kind: "performance"))
        let car2 = performance.cars.first { $0.carNumber == 2 }
        #expect(car2?.bestLapMs == 98_326 && car2?.bestLapNumber == 5)
        #expect(try store.latestReport(kind: "competitor")?.cars.count == performance.cars.count)
        #expect(try store.latestReport(kind: "weather")?.weather != nil)
        // The simulation job, as the default plugin runs it: 10,000 races per option from the shipped pace model. It
        // fired while the excerpt's first two laps ran behind the safety car: no car had a green lap, so nothing was
        // simulated and no races are counted (the whole race: ReplayStrategyIntegrationTests).
        let simulations = run.updates.compactMap { u -> SimulationBatch? in
            if case .simulation(let b) = u.body { return b } else { return nil }
        }
        let simulation = try #require(simulations.last)
        #expect(simulation.iterations == 10_000)
        #expect(simulation.model == (try PaceModel.load(TestPaths.shippedModel.path)).version)
        #expect(simulation.cars.isEmpty && simulation.racesSimulated == 0 && simulation.runsPerSecond == 0)
        #expect(try store.latestSimulation() == nil)
    }
}
