import Foundation
import Testing

@testable import RoadSenseHost

@Suite("Plugin manifests (plugins.d)")
struct PluginManifestTests {
    func directory(_ files: [String: String]) throws -> URL {
        let directory = try TestPaths.temporaryDirectory("plugins.d")
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    func reason(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch let error as HostError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    @Test("a manifest replaces the built-in plugin of its name, another adds one; other files are ignored")
    func replaceAndAdd() throws {
        let dir = try directory([
            "10-telemetry.json": #"""
            {"name": "telemetry", "executable": "roadsense-telemetry", "methods": ["telemetry.ProcessLive"],
             "replicas": 2, "credits": 4, "maxRestarts": 3, "restartWindowSeconds": 30,
             "maxCallsPerProcess": 5000, "maxMemoryMB": 512, "environment": {"TZ": "UTC"}}
            """#,
            "20-bench.json": #"{"name": "bench", "executable": "roadsense-bench", "methods": ["bench.Noop"]}"#,
            "README.txt": "not a manifest",
        ])
        let plugins = try PluginManifests.apply(to: PluginConfig.defaults, directory: dir.path)
        #expect(plugins.map(\.name) == PluginConfig.defaults.map(\.name) + ["bench"])
        let telemetry = try #require(plugins.first { $0.name == "telemetry" })
        #expect(telemetry.replicas == 2 && telemetry.credits == 4)
        #expect(telemetry.maxRestarts == 3 && telemetry.restartWindowSeconds == 30)
        #expect(telemetry.maxCallsPerProcess == 5000 && telemetry.maxMemoryMB == 512)
        #expect(telemetry.environment == ["TZ": "UTC"])
        #expect(telemetry.restartBackoffMs == 500)  // not named: the default
    }

    @Test("an invalid manifest is refused with its file and field named")
    func invalidManifests() throws {
        let badValue = try directory([
            "a.json": #"{"name": "x", "executable": "roadsense-bench", "methods": ["bench.Noop"], "credits": 0}"#
        ])
        let valueReason = reason { _ = try PluginManifests.apply(to: [], directory: badValue.path) }
        #expect(valueReason.contains(badValue.appendingPathComponent("a.json").path))
        #expect(valueReason.contains("field credits: must be 1…1024, got 0"))

        let unknownKey = try directory([
            "b.json": #"{"name": "x", "executable": "e", "methods": ["m.M"], "replica": 2}"#
        ])
        let keyReason = reason { _ = try PluginManifests.apply(to: [], directory: unknownKey.path) }
        #expect(keyReason.contains("b.json, field replica: unknown key 'replica'"), "\(keyReason)")

        let missing = try directory(["c.json": #"{"name": "x", "methods": ["m.M"]}"#])
        let missingReason = reason { _ = try PluginManifests.apply(to: [], directory: missing.path) }
        #expect(missingReason.contains("c.json, field executable"), "\(missingReason)")

        let twice = try directory([
            "d1.json": #"{"name": "x", "executable": "e", "methods": ["m.M"]}"#,
            "d2.json": #"{"name": "x", "executable": "f", "methods": ["m.M"]}"#,
        ])
        let twiceReason = reason { _ = try PluginManifests.apply(to: [], directory: twice.path) }
        #expect(twiceReason.contains("d2.json, field name: 'x' is also declared by"), "\(twiceReason)")

        let notJSON = try directory(["e.json": "{name: x"])
        #expect(reason { _ = try PluginManifests.apply(to: [], directory: notJSON.path) }.contains("e.json"))
        #expect(
            reason { _ = try PluginManifests.apply(to: [], directory: "/nonexistent/plugins.d") }
                .contains("/nonexistent/plugins.d does not exist"))
    }

    @Test("a configuration file's pluginsDirectory is relative to the file, and its manifests count for the schedule")
    func fromConfigurationFile() throws {
        let base = try TestPaths.temporaryDirectory("config-with-manifests")
        let manifests = base.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try Data(#"{"name": "bench", "executable": "roadsense-bench", "methods": ["bench.Noop"]}"#.utf8)
            .write(to: manifests.appendingPathComponent("bench.json"))
        let file = base.appendingPathComponent("roadsense.json")
        try Data(
            #"""
            {"pluginsDirectory": "plugins.d",
             "schedule": [{"name": "ping", "method": "bench.Noop", "everySeconds": 5}]}
            """#.utf8
        ).write(to: file)
        let config = try HostConfiguration.load(file: file.path)
        #expect(config.pluginsDirectory == manifests.path)
        #expect(config.plugins.contains { $0.name == "bench" })
    }
}
