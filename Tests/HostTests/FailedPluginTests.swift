import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// A plugin past its restart intensity goes FAILED as an OTP supervisor does: its replicas still running
/// finish the calls they hold and stop, its calls wait in the queue, and status and the alert say exactly
/// that — with real host and plugin processes.
@Suite("A FAILED plugin stops all its replicas", .serialized)
struct FailedPluginTests {
    func workerPIDs(_ harness: HostHarness) throws -> Set<Int> {
        Set((try harness.status()["workers"] as? [[String: Any]] ?? []).compactMap { $0["pid"] as? Int })
    }

    /// Waits until `count` workers are registered, none of them in `gone`; returns their pids.
    func registered(_ harness: HostHarness, count: Int, without gone: Set<Int>) throws -> Set<Int> {
        var pids: Set<Int> = []
        _ = try harness.wait(seconds: 30) { _ in
            pids = try workerPIDs(harness)
            return pids.count == count && pids.isDisjoint(with: gone)
        }
        return pids
    }

    @Test("the last crash marks it FAILED; the busy replica finishes its call, then every replica is stopped")
    func failedPluginStopsItsReplicas() throws {
        let bench: [String: Any] = [
            "name": "bench", "executable": "roadsense-bench", "replicas": 2, "credits": 1,
            "methods": ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"], "maxRestarts": 2,
            "restartWindowSeconds": 60, "restartBackoffMs": 20,
        ]
        let harness = try HostHarness(replicas: 0, heartbeatMs: 1000, plugins: [bench])
        try harness.start()
        var pids = try registered(harness, count: 2, without: [])
        #expect(pids.count == 2, "\(harness.log)")

        // Two crashes: within the intensity, each replica comes back.
        var killed: Set<Int> = []
        for _ in 0..<2 {
            let victim = try #require(pids.min())
            kill(Int32(victim), SIGKILL)
            killed.insert(victim)
            pids = try registered(harness, count: 2, without: killed)
            #expect(pids.count == 2 && pids.isDisjoint(with: killed), "\(harness.log)")
        }

        // A long call on one replica; the third crash, of the other one, makes the plugin FAILED.
        let long = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5000), count: 1)[0]
        #expect(try harness.wait(seconds: 20) { try $0.call(id: long)?.state == .running })
        let busy = try #require(try harness.store().call(id: long)?.worker.flatMap { Int($0.split(separator: "/")[1]) })
        let victim = try #require(pids.subtracting([busy]).first)
        kill(Int32(victim), SIGKILL)
        #expect(try harness.wait(seconds: 20) { try $0.alerts().contains { $0.rule == "plugin_failed" } })

        // While its call runs, the busy replica is reported as stopping, not as a FAILED one that serves.
        let during = try harness.status()
        let plugin = (during["plugins"] as? [[String: Any]] ?? []).first { $0["plugin"] as? String == "bench" }
        #expect(plugin?["state"] as? String == "FAILED")
        #expect((plugin?["reason"] as? String ?? "").contains("1 replica(s) finishing their calls, then stopping"))
        let stopping = (during["replicas"] as? [[String: Any]] ?? []).first { $0["pid"] as? Int == busy }
        #expect((stopping?["state"] as? String ?? "").hasPrefix("stopping (plugin FAILED)"), "\(during)")

        // It finishes that call (first attempt, nothing repeated), then no bench process is left.
        #expect(try harness.wait(seconds: 30) { try $0.call(id: long)?.state == .succeeded }, "\(harness.log)")
        #expect(try harness.wait(seconds: 30) { _ in harness.pluginPIDs().isEmpty }, "\(harness.log)")
        #expect(try harness.store().call(id: long)?.attempt == 1)
        let after = try harness.status()
        let replicas = after["replicas"] as? [[String: Any]] ?? []
        #expect(replicas.count == 2)
        #expect(replicas.allSatisfy { $0["state"] as? String == "stopped (plugin FAILED)" }, "\(replicas)")
        #expect(replicas.allSatisfy { $0["pid"] == nil && $0["uptime_s"] == nil })
        #expect((after["workers"] as? [Any])?.isEmpty == true)
        let text = try harness.ctl(["status"]).output
        #expect(text.contains("bench[") && !text.contains("pid 0"), "\(text)")

        // The alert says what happens; its calls wait until `ctl restart`, which brings the plugin back.
        let alert = try #require(try harness.store().alerts().first { $0.rule == "plugin_failed" })
        #expect(alert.message.contains("its other replicas finish the calls they hold and stop"))
        #expect(alert.message.contains("its calls wait in the queue"))
        let waiting = try harness.submit("bench.Noop", BenchRequest(), count: 1)[0]
        #expect(try harness.wait(seconds: 5) { try $0.call(id: waiting)?.owner != nil })
        #expect(try harness.store().call(id: waiting)?.state == .queued)
        #expect(try harness.ctl(["restart", "bench"]).status == 0)
        #expect(try harness.wait(seconds: 30) { try $0.call(id: waiting)?.state == .succeeded }, "\(harness.log)")
        harness.stop()
        #expect(harness.log.contains("plugin replica stopped: its plugin is FAILED"))
    }
}
