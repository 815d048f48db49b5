import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// Supervision and runtime control with real processes: a crashed replica restarts alone, a plugin that
/// keeps crashing goes FAILED with a CRITICAL alert, scale/restart/recycling under load lose and repeat
/// nothing, and SIGTERM leaves no plugin behind and every accepted call done or queued.
@Suite("Plugin supervision and runtime control", .serialized)
struct SupervisionTests {
    static let benchMethods = ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"]

    static func plugin(_ name: String, replicas: Int, _ extra: [String: Any] = [:]) -> [String: Any] {
        var plugin: [String: Any] = [
            "name": name, "executable": "roadsense-bench", "replicas": replicas, "credits": 1, "methods": benchMethods,
        ]
        plugin.merge(extra) { $1 }
        return plugin
    }

    /// Every call succeeded exactly once, on its first attempt (nothing was lost or had to run again).
    func expectAllOnceFirstTry(_ harness: HostHarness, _ ids: [String]) throws {
        let calls = try harness.store().calls(state: nil)
        #expect(calls.count == ids.count)
        #expect(Set(calls.map(\.callID)) == Set(ids))
        #expect(calls.allSatisfy { $0.state == .succeeded && $0.result != nil })
        let retried = calls.filter { $0.attempt != 1 }
        #expect(retried.isEmpty, "calls that needed another attempt: \(retried.map { ($0.callID, $0.errors) })")
        #expect(try harness.store().deadLetters().isEmpty)
    }

    func replicas(_ status: [String: Any], plugin: String) -> [[String: Any]] {
        (status["replicas"] as? [[String: Any]] ?? []).filter { $0["plugin"] as? String == plugin }
    }

    @Test("SIGKILL one replica of one plugin: only it restarts; the other plugin's process is untouched")
    func killOneReplica() throws {
        let harness = try HostHarness(
            replicas: 0, heartbeatMs: 1000,
            plugins: [Self.plugin("bench", replicas: 2), Self.plugin("spare", replicas: 1)])
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 2), count: 600)
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count >= 100 })
        let before = try harness.status()
        let spare = try #require(replicas(before, plugin: "spare").first?["pid"] as? Int)
        let victim = try #require(replicas(before, plugin: "bench").first?["pid"] as? Int)
        kill(Int32(victim), SIGKILL)
        #expect(try harness.wait(seconds: 120) { try $0.calls(state: .succeeded).count == 600 }, "\(harness.log)")
        let after = try harness.status()
        harness.stop()
        #expect(replicas(after, plugin: "spare").first?["pid"] as? Int == spare)
        #expect(replicas(after, plugin: "spare").first?["restarts"] as? Int == 0)
        let bench = replicas(after, plugin: "bench")
        #expect(bench.count == 2)
        #expect(bench.map { $0["restarts"] as? Int ?? -1 }.sorted() == [0, 1], "\(harness.log)")
        #expect(!bench.contains { $0["pid"] as? Int == victim })
        let calls = try harness.store().calls(state: nil)
        #expect(Set(calls.map(\.callID)) == Set(ids) && calls.allSatisfy { $0.state == .succeeded })
    }

    @Test("a plugin that crashes on start goes FAILED after its intensity; an alert is raised; the rest serves")
    func crashLoopGoesFailed() throws {
        let crasher = Self.plugin(
            "crasher", replicas: 1,
            [
                "arguments": ["--no-such-option"], "methods": ["bench.Missing"], "maxRestarts": 2,
                "restartWindowSeconds": 60, "restartBackoffMs": 20,
            ])
        let harness = try HostHarness(replicas: 0, plugins: [Self.plugin("bench", replicas: 1), crasher])
        let ids = try harness.submit("bench.Noop", BenchRequest(), count: 50)
        try harness.start()
        #expect(try harness.wait(seconds: 30) { try $0.calls(state: .succeeded).count == 50 }, "\(harness.log)")
        #expect(
            try harness.wait(seconds: 30) { store in try store.alerts().contains { $0.rule == "plugin_failed" } },
            "\(harness.log)")
        let alert = try #require(try harness.store().alerts().first { $0.rule == "plugin_failed" })
        #expect(alert.alertID == "plugin_failed/crasher")
        #expect(alert.severity == .critical)
        #expect(alert.message.contains("roadsense ctl restart crasher"))
        #expect(alert.value == 3)  // more than maxRestarts (2) crashes in the window
        let status = try harness.status()
        let plugins = status["plugins"] as? [[String: Any]] ?? []
        #expect(plugins.first { $0["plugin"] as? String == "crasher" }?["state"] as? String == "FAILED")
        #expect(plugins.first { $0["plugin"] as? String == "bench" }?["state"] as? String == "running")
        // Still serving after the failure.
        let more = try harness.submit("bench.Noop", BenchRequest(), count: 20)
        #expect(try harness.wait(seconds: 30) { try $0.calls(state: .succeeded).count == 70 })
        // `ctl restart` clears FAILED (and it crashes again: the cause is not fixed).
        #expect(try harness.ctl(["restart", "crasher"]).status == 0)
        let cleared = try harness.status()
        #expect(
            (cleared["plugins"] as? [[String: Any]] ?? []).first { $0["plugin"] as? String == "crasher" }?["state"]
                as? String == "running")
        harness.stop()
        #expect(harness.log.contains("plugin FAILED"))
        #expect(Set(try harness.store().calls(state: .succeeded).map(\.callID)) == Set(ids + more))
    }

    @Test("scale up, scale down and a rolling restart under load: nothing lost, nothing run twice")
    func scaleAndRestartUnderLoad() throws {
        // A 1 s heartbeat: on a busy 2-core machine a 200 ms one can lose a live worker, and the retry that
        // follows (correct, but a second attempt) is not what this test is about.
        let harness = try HostHarness(replicas: 0, heartbeatMs: 1000, plugins: [Self.plugin("bench", replicas: 2)])
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 3), count: 1500)
        try harness.start()
        func succeeded(_ n: Int) throws -> Bool {
            try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count >= n }
        }
        #expect(try succeeded(150))
        #expect(try harness.ctl(["scale", "bench", "4"]).status == 0)
        #expect(try harness.wait(seconds: 30) { _ in harness.pluginPIDs().count == 4 })
        #expect(try succeeded(500))
        #expect(try harness.ctl(["scale", "bench", "1"]).status == 0)
        #expect(try harness.wait(seconds: 30) { _ in harness.pluginPIDs().count == 1 }, "\(harness.log)")
        #expect(try succeeded(800))
        let before = Set(harness.pluginPIDs())
        #expect(try harness.ctl(["restart", "bench"]).status == 0)
        #expect(
            try harness.wait(seconds: 30) { _ in
                let now = Set(harness.pluginPIDs())
                return now.count == 1 && now.isDisjoint(with: before)
            }, "\(harness.log)")
        #expect(try harness.wait(seconds: 120) { try $0.calls(state: .succeeded).count == 1500 }, "\(harness.log)")
        harness.stop()
        try expectAllOnceFirstTry(harness, ids)
    }

    @Test("recycling by call count under load: each replica is replaced after its calls; nothing lost")
    func recycleByCalls() throws {
        let harness = try HostHarness(
            replicas: 0, heartbeatMs: 1000, plugins: [Self.plugin("bench", replicas: 2, ["maxCallsPerProcess": 40])])
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 10), count: 400)
        try harness.start()
        #expect(try harness.wait(seconds: 120) { try $0.calls(state: .succeeded).count == 400 }, "\(harness.log)")
        harness.stop()
        try expectAllOnceFirstTry(harness, ids)
        let recycled = harness.log.components(separatedBy: "recycled after").count - 1
        #expect(recycled >= 4, "\(harness.log)")
        // A replica at its limit serves on until its successor has registered (so capacity never drops):
        // with 10 ms calls that is a few calls more, and under 800 ms of successor start-up at most 80.
        let perWorker = Dictionary(grouping: try harness.store().calls(state: .succeeded), by: { $0.worker ?? "?" })
        #expect(perWorker.count >= 6, "\(perWorker.mapValues(\.count))")
        #expect(perWorker.values.allSatisfy { $0.count <= 120 }, "\(perWorker.mapValues(\.count))")
    }

    @Test("recycling by memory under load: a replica over maxMemoryMB is replaced; nothing lost")
    func recycleByMemory() throws {
        // Every bench process is over 16 MB resident, so each is replaced about every 2 s.
        let harness = try HostHarness(
            replicas: 0, heartbeatMs: 1000, plugins: [Self.plugin("bench", replicas: 1, ["maxMemoryMB": 16])])
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 10), count: 500)
        try harness.start()
        #expect(try harness.wait(seconds: 120) { try $0.calls(state: .succeeded).count == 500 }, "\(harness.log)")
        harness.stop()
        try expectAllOnceFirstTry(harness, ids)
        #expect(harness.log.contains("recycled: resident memory"), "\(harness.log)")
    }

    @Test("SIGTERM: calls in flight finish or go back to the queue, no plugin remains, exit 0")
    func gracefulShutdown() throws {
        let harness = try HostHarness(replicas: 2, settings: ["shutdownGraceMs": 2000])
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 200), count: 60)
        try harness.start()
        #expect(try harness.wait(seconds: 30) { try $0.calls(state: .succeeded).count >= 4 })
        let pids = harness.pluginPIDs()
        #expect(pids.count == 2)
        harness.stop()
        #expect(!harness.stuckOnStop)
        #expect(harness.host?.terminationStatus == 0, "\(harness.log)")
        #expect(pids.allSatisfy { kill($0, 0) != 0 }, "a plugin outlived its host")
        let calls = try harness.store().calls(state: nil)
        #expect(Set(calls.map(\.callID)) == Set(ids))
        #expect(calls.allSatisfy { $0.state == .succeeded || $0.state == .queued }, "\(calls.map(\.state))")
        #expect(calls.contains { $0.state == .queued })
        // What was left runs when a host starts again.
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count == 60 }, "\(harness.log)")
        harness.stop()
    }

    @Test("ctl reload applies a changed manifest: the plugin is scaled, the others are left alone")
    func reloadManifests() throws {
        let manifests = try TestPaths.temporaryDirectory("reload-plugins.d")
        func write(replicas: Int) throws {
            let manifest = Self.plugin("bench", replicas: replicas)
            try JSONSerialization.data(withJSONObject: manifest).write(
                to: manifests.appendingPathComponent("bench.json"))
        }
        try write(replicas: 1)
        let harness = try HostHarness(
            replicas: 0, plugins: [Self.plugin("spare", replicas: 1)],
            settings: ["pluginsDirectory": manifests.path])
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 2 })
        let spare = replicas(try harness.status(), plugin: "spare").first?["pid"] as? Int
        try write(replicas: 3)
        let answer = try harness.ctl(["reload"])
        #expect(answer.status == 0 && answer.output.contains("bench: scaled 1 → 3"), "\(answer.output)")
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 4 }, "\(harness.log)")
        #expect(replicas(try harness.status(), plugin: "spare").first?["pid"] as? Int == spare)
        try Data("{ broken".utf8).write(to: manifests.appendingPathComponent("bench.json"))
        let refused = try harness.ctl(["reload"])
        #expect(refused.status != 0 && refused.output.contains("bench.json"), "\(refused.output)")
        #expect(harness.pluginPIDs().count == 4)
        harness.stop()
    }
}
