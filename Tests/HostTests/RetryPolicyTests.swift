import Foundation
import Testing

@testable import RoadSenseHost

/// Per-method retry policies in plugin manifests: defaults, what a method's policy inherits, refusals that
/// name the field, and the backoff bound worked by hand.
@Suite("Retry policies in plugin manifests")
struct RetryPolicyTests {
    func manifest(_ text: String) throws -> PluginConfig {
        let directory = try TestPaths.temporaryDirectory("retry-manifest")
        let path = directory.appendingPathComponent("bench.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try PluginManifests.read(path)
    }

    func reason(_ text: String) -> String {
        do {
            _ = try manifest(text)
            return "no error"
        } catch let error as HostError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    static let head = #""name": "bench", "executable": "roadsense-bench", "methods": ["bench.Fail", "bench.Sleep"]"#

    @Test("no policy: 3 attempts, backoff 200 ms doubling, at most 5 s")
    func defaults() throws {
        let plugin = try manifest("{\(Self.head)}")
        #expect(
            plugin.retryPolicy(for: "bench.Fail") == RetryPolicy(maxAttempts: 3, backoffBaseMs: 200, backoffCapMs: 5000)
        )
        // By hand: min(5000, 200 × 2^attempt).
        #expect(
            (1...6).map { RetryPolicy.standard.delayCapMs(afterAttempt: $0) } == [400, 800, 1600, 3200, 5000, 5000])
        #expect((0..<200).allSatisfy { _ in (0...400).contains(RetryPolicy.standard.delayMs(afterAttempt: 1)) })
    }

    @Test("a method's policy takes what it leaves out from the plugin's retry, which takes the rest from the defaults")
    func inheritance() throws {
        let plugin = try manifest(
            """
            {\(Self.head), "retry": {"maxAttempts": 2, "backoffCapMs": 1000},
             "methodRetry": {"bench.Fail": {"maxAttempts": 7, "backoffBaseMs": 10}}}
            """)
        #expect(
            plugin.retryPolicy(for: "bench.Sleep")
                == RetryPolicy(maxAttempts: 2, backoffBaseMs: 200, backoffCapMs: 1000))
        #expect(
            plugin.retryPolicy(for: "bench.Fail") == RetryPolicy(maxAttempts: 7, backoffBaseMs: 10, backoffCapMs: 1000))
        #expect(plugin.retryPolicy(for: "bench.Fail").delayCapMs(afterAttempt: 3) == 80)
        // The host's table: the first plugin serving a method decides.
        var other = PluginConfig(name: "other", executable: "roadsense-bench", methods: ["bench.Fail"])
        other.retry = RetryPolicy(maxAttempts: 9)
        let table = [plugin, other].retryPolicies()
        #expect(table["bench.Fail"]?.maxAttempts == 7 && table["bench.Sleep"]?.maxAttempts == 2)
        #expect([other, plugin].retryPolicies()["bench.Fail"]?.maxAttempts == 9)
    }

    @Test("a policy that cannot work is refused with its file and field named")
    func refusals() throws {
        #expect(
            reason(#"{\#(Self.head), "retry": {"maxAttempts": 0}}"#).contains("field retry.maxAttempts: must be 1…100"))
        #expect(
            reason(#"{\#(Self.head), "retry": {"backoffBaseMs": 500, "backoffCapMs": 100}}"#)
                .contains("field retry.backoffCapMs: must be backoffBaseMs…3600000 ms, got 100"))
        #expect(
            reason(#"{\#(Self.head), "methodRetry": {"bench.Nope": {"maxAttempts": 2}}}"#)
                .contains("field methodRetry.bench.Nope: bench.Nope is not one of this plugin's methods"))
        #expect(
            reason(#"{\#(Self.head), "methodRetry": {"bench.Fail": {"backoffBaseMs": 0}}}"#)
                .contains("field methodRetry.bench.Fail.backoffBaseMs: must be 1…600000 ms"))
        let typo = reason(#"{\#(Self.head), "retry": {"maxAttempt": 2}}"#)
        #expect(typo.contains("unknown key 'maxAttempt'") && typo.contains("bench.json"), "\(typo)")
    }

    @Test("a schedule entry without maxAttempts leaves it to the method's policy; one with it keeps it")
    func scheduleEntryAttempts() throws {
        let file = try TestPaths.temporaryDirectory("retry-config").appendingPathComponent("config.json")
        try Data(
            #"""
            {"schedule": [{"name": "update-strategy-predictions", "maxAttempts": 5}]}
            """#.utf8
        ).write(to: file)
        let config = try HostConfiguration.load(file: file.path)
        #expect(config.schedule.first { $0.name == "update-strategy-predictions" }?.maxAttempts == 5)
        #expect(config.schedule.first { $0.name == "check-alert-conditions" }?.maxAttempts == nil)
    }
}
