import Foundation
import RaceDomain
import RoadSenseHost
import RoadSenseStore
import Testing

/// The protocol is enough to write a plugin in another language: `examples/python-plugin` (Python, pyzmq and
/// protoc's Python output) serves `alerts.CheckConditions` in a real replay, beside the Swift plugins and
/// alone, and raises the same stale-feed and lap-time-drop alerts as the Swift rules.
@Suite("Python plugin (examples/python-plugin) in a real replay", .serialized)
struct PythonPluginTests {
    static let executable = TestPaths.repository.appendingPathComponent("examples/python-plugin/roadsense-alerts-py")

    /// The two rules the Python plugin implements.
    static let sharedRules: Set<String> = ["stale_feed", "lap_time_drop"]

    /// Runs `scripts/python-env.sh` (idempotent: creates the venv and the generated code when missing).
    static func preparePythonEnvironment() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestPaths.repository.appendingPathComponent("scripts/python-env.sh").path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SetupError(
                "scripts/python-env.sh exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        let python = String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw SetupError("scripts/python-env.sh printed \(python), not an executable")
        }
    }

    struct SetupError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let swiftPlugins = PluginConfig.defaults.filter { $0.executable != "roadsense-alerts" }
    static let swiftAlerts = PluginConfig.defaults.filter { $0.executable == "roadsense-alerts" }
    static let pythonAlerts = PluginConfig(
        name: "alerts-py", executable: executable.path, methods: ["alerts.CheckConditions"], replicas: 1, credits: 1)

    /// Writes a `--config` file naming `plugins` (and `schedule`, when given); other keys keep their defaults.
    static func configFile(plugins: [PluginConfig], schedule: [ScheduleEntryConfig]? = nil) throws -> URL {
        struct Overrides: Encodable {
            let plugins: [PluginConfig]
            let schedule: [ScheduleEntryConfig]?
        }
        let file = try TestPaths.temporaryDirectory("python-config").appendingPathComponent("config.json")
        try JSONEncoder().encode(Overrides(plugins: plugins, schedule: schedule)).write(to: file)
        return file
    }

    struct StoredRun {
        let alerts: [Alert]
        let succeeded: [CallRecord]
        let failed: [CallRecord]

        /// (rule, car) for the rules both implementations have.
        var ruleCars: Set<String> {
            Set(
                alerts.filter { PythonPluginTests.sharedRules.contains($0.rule) }.map {
                    "\($0.rule) \(CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber))"
                })
        }

        /// Alert id, severity, vehicle and car for the rules both implementations have.
        var shared: Set<String> {
            Set(
                alerts.filter { PythonPluginTests.sharedRules.contains($0.rule) }.map {
                    "\($0.alertID) \($0.severity.name) \($0.vehicleID) \($0.carNumber.map(String.init) ?? "-")"
                })
        }

        func alertWorkers(prefix: String) -> [CallRecord] {
            succeeded.filter { $0.method == "alerts.CheckConditions" && ($0.worker ?? "").hasPrefix(prefix) }
        }
    }

    /// Replays the committed excerpt with `config` (nil: the built-in defaults) and reads back the store.
    static func replay(config: URL?) throws -> StoredRun {
        let run = try ReplayIntegrationTests.replay(
            TestPaths.excerpt, extra: config.map { ["--config", $0.path] } ?? [])
        #expect(run.status == 0, "host exited \(run.status): \(run.stderr.suffix(3000))")
        let store = try SQLiteRaceStore(path: run.storePath)
        return StoredRun(
            alerts: try store.alerts(), succeeded: try store.calls(state: .succeeded),
            failed: try store.calls(state: .failed))
    }

    @Test("beside the three Swift plugins, the Python plugin registers and serves alert checks")
    func besideSwiftPlugins() throws {
        try Self.preparePythonEnvironment()
        // Two alert entries on the same beat: the first call goes to one alerts worker, the second to the
        // other (each has one credit), so both implementations serve calls in the same run.
        let schedule =
            ScheduleEntryConfig.defaults + [
                ScheduleEntryConfig(
                    name: "check-alert-conditions-2", method: "alerts.CheckConditions", everySeconds: 45,
                    priority: "high")
            ]
        let config = try Self.configFile(
            plugins: Self.swiftPlugins + Self.swiftAlerts + [Self.pythonAlerts], schedule: schedule)
        let run = try Self.replay(config: config)

        #expect(run.failed.isEmpty, "failed calls: \(run.failed)")
        #expect(!run.alertWorkers(prefix: "alerts-py/").isEmpty, "no alert check succeeded on the Python plugin")
        #expect(!run.alertWorkers(prefix: "alerts/").isEmpty, "no alert check succeeded on the Swift plugin")
        #expect(run.alerts.contains { $0.rule == "stale_feed" && $0.vehicleID == "GR86-002-000" })
    }

    @Test("as the only alerts plugin, Python raises the same stale-feed and lap-time-drop alerts as the Swift rules")
    func aloneMatchesSwiftRules() throws {
        try Self.preparePythonEnvironment()
        // The Python plugin serves alert checks only, so the entry acknowledging stale alerts is switched off.
        let schedule = ScheduleEntryConfig.defaults.map { entry in
            var entry = entry
            entry.enabled = entry.method != "alerts.AcknowledgeStale"
            return entry
        }
        let python = try Self.replay(
            config: try Self.configFile(plugins: Self.swiftPlugins + [Self.pythonAlerts], schedule: schedule))
        let swift = try Self.replay(config: nil)

        // Every alert check ran on the Python plugin, and none failed.
        let checks = python.succeeded.filter { $0.method == "alerts.CheckConditions" }
        #expect(!checks.isEmpty)
        #expect(checks.allSatisfy { ($0.worker ?? "").hasPrefix("alerts-py/") }, "\(checks.map(\.worker))")
        #expect(python.failed.isEmpty, "failed calls: \(python.failed)")
        #expect(swift.failed.isEmpty, "failed calls: \(swift.failed)")

        // The telemetry in the excerpt stops after ~2.5 minutes of race time: the feed goes stale.
        #expect(python.alerts.contains { $0.rule == "stale_feed" && $0.vehicleID == "GR86-002-000" })

        // Same (rule, car) pairs as the Swift plugin for the two rules both have; and the same alert ids,
        // severities, vehicles and car numbers (the raise times differ by the replay clock's jitter).
        #expect(!swift.ruleCars.isEmpty)
        #expect(python.ruleCars == swift.ruleCars)
        #expect(python.shared == swift.shared)
        // The Python plugin raises nothing else.
        #expect(python.alerts.allSatisfy { Self.sharedRules.contains($0.rule) }, "\(python.alerts.map(\.alertID))")
    }
}
