import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The operator's commands as an operator runs them, against a real host: `roadsense ctl dead-letter
/// list | show | retry | purge` and `roadsense submit --priority / --deadline / --attempts`.
@Suite("Operator commands (ctl dead-letter, submit options) with a real host", .serialized)
struct OperatorCommandTests {
    /// Runs `roadsense ARGUMENTS…`; returns its exit status, stdout and stderr.
    func roadsense(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try RemoteWorkerTests.run(TestPaths.binaries.appendingPathComponent("roadsense"), arguments)
    }

    func deadLetter(_ harness: HostHarness, _ words: [String]) throws -> (status: Int32, stdout: String, stderr: String)
    {
        try roadsense(["ctl", "dead-letter"] + words + ["--store", "sqlite:\(harness.storePath)"])
    }

    func submit(_ harness: HostHarness, _ words: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try roadsense(["submit"] + words + ["--store", "sqlite:\(harness.storePath)"])
    }

    func listJSON(_ harness: HostHarness) throws -> [[String: Any]] {
        let answer = try deadLetter(harness, ["list", "--json"])
        #expect(answer.status == 0, "\(answer.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [[String: Any]])
    }

    @Test("ctl dead-letter list, show, retry and purge on the calls a host gave up")
    func deadLetterCommands() throws {
        let harness = try HostHarness(replicas: 1)
        try harness.start()
        let unavailable = try submit(
            harness, ["bench.Fail", "--json", #"{"fail_with": "UNAVAILABLE"}"#, "--attempts", "2"])
        let invalid = try submit(harness, ["bench.Fail", "--json", #"{"fail_with": "INVALID_ARGUMENT"}"#])
        #expect(unavailable.status == 0 && invalid.status == 0)
        let retried = unavailable.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let fatal = invalid.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            try harness.wait(seconds: 30) { _ in try self.listJSON(harness).count == 2 }, "\(harness.log.suffix(2000))")
        let pid = try #require(harness.pluginPIDs().first)

        let list = try deadLetter(harness, ["list"])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(list.stdout)")
        let first = try #require(lines.first { $0.hasPrefix(retried) })
        #expect(first.contains("bench.Fail  entry=submit  attempts=2"), "\(first)")
        #expect(
            first.contains(
                "last error: attempt 2 on bench/\(pid): UNAVAILABLE: bench.Fail asked to fail with UNAVAILABLE"),
            "\(first)")
        // INVALID_ARGUMENT is never retried.
        #expect(lines.contains { $0.hasPrefix(fatal) && $0.contains("attempts=1") }, "\(list.stdout)")

        let show = try deadLetter(harness, ["show", retried])
        #expect(show.status == 0)
        for expected in [
            "call \(retried)", "method bench.Fail", "entry submit", "priority 2",
            "  attempt 1 on bench/\(pid): UNAVAILABLE", "  attempt 2 on bench/\(pid): UNAVAILABLE",
        ] {
            #expect(show.stdout.contains(expected), "\(expected) in \(show.stdout)")
        }
        let shown = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try deadLetter(harness, ["show", retried, "--json"]).stdout.utf8))
                as? [String: Any])
        #expect(shown["attempts"] as? Int == 2 && (shown["errors"] as? [String])?.count == 2)
        let missing = try deadLetter(harness, ["show", "no-such-call"])
        #expect(missing.status == 2 && missing.stderr.contains("no dead letter with id no-such-call"), "\(missing)")

        // retry: the call runs again with a fresh budget (and, still failing, is filed again, later).
        let deadBefore = try #require(
            try listJSON(harness).first { $0["call_id"] as? String == retried }?["dead_ms"] as? Int)
        let retry = try deadLetter(harness, ["retry", retried])
        #expect(retry.status == 0 && retry.stdout.contains("queued \(retried) again with a fresh retry budget"))
        let refiled = try harness.wait(seconds: 30) { _ in
            let again = try self.listJSON(harness).first { $0["call_id"] as? String == retried }
            return (again?["dead_ms"] as? Int ?? 0) > deadBefore && again?["attempts"] as? Int == 2
        }
        #expect(refiled, "\(harness.log.suffix(2000))")
        #expect(try deadLetter(harness, ["retry", "no-such-call"]).status == 2)

        let purge = try deadLetter(harness, ["purge"])
        #expect(purge.status == 0 && purge.stdout.contains("purged 2 dead letters"), "\(purge.stdout)")
        #expect(try deadLetter(harness, ["list"]).stdout.contains("no dead letters"))
        #expect(try listJSON(harness).isEmpty)
        harness.stop()
    }

    @Test("submit --priority: a high call submitted after a low one runs first; --deadline is the soft limit")
    func submitPriorityAndDeadline() throws {
        let harness = try HostHarness(replicas: 1)
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 1 })
        // Keep the only worker (one credit) busy, then queue a low call and after it a high one.
        let busy = try submit(harness, ["bench.Sleep", "--json", #"{"sleep_ms": 3000}"#]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try harness.wait(seconds: 20) { try $0.call(id: busy)?.state == .running })
        let low = try submit(harness, ["bench.Sleep", "--json", #"{"sleep_ms": 5}"#, "--priority", "low"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let high = try submit(harness, ["bench.Sleep", "--json", #"{"sleep_ms": 5}"#, "--priority", "high"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // Both are in the host's queue while the worker is still busy (so the order is the queue's choice).
        let bothQueued = try harness.wait(seconds: 20) { store in
            try [low, high].allSatisfy {
                try store.call(id: $0).map { $0.owner != nil && $0.state == .queued } ?? false
            }
                && store.call(id: busy)?.state == .running
        }
        #expect(bothQueued, "\(harness.log.suffix(2000))")
        #expect(
            try harness.wait(seconds: 30) { store in
                try [busy, low, high].allSatisfy { try store.call(id: $0)?.state == .succeeded }
            })
        let store = try harness.store()
        let lowCall = try #require(try store.call(id: low))
        let highCall = try #require(try store.call(id: high))
        #expect(lowCall.priority == Priority.low.rawValue && highCall.priority == Priority.high.rawValue)
        #expect(lowCall.enqueuedMs <= highCall.enqueuedMs)
        #expect(try #require(highCall.finishedMs) < (try #require(lowCall.finishedMs)), "high overtook low")
        // Without --attempts the row names none: the host applies the method's retry policy.
        #expect(lowCall.maxAttempts == 0)

        // --deadline 0.5: at 500 ms the host sends Cancel and bench.Sleep stops with DEADLINE_EXCEEDED.
        let late = try submit(
            harness,
            ["bench.Sleep", "--json", #"{"sleep_ms": 60000}"#, "--deadline", "0.5", "--attempts", "1", "--wait"])
        #expect(late.status == 1, "\(late)")
        #expect(
            late.stdout.contains(
                "failed after 1 attempt(s): status DEADLINE_EXCEEDED, message: cancelled after its deadline"),
            "\(late.stdout)")
        let id = try #require(late.stdout.split(separator: "\n").first).trimmingCharacters(in: .whitespaces)
        #expect(try store.call(id: id)?.timeoutMs == 500)
        #expect(try submit(harness, ["bench.Noop", "--attempts", "0"]).status == 2)
        #expect(try submit(harness, ["bench.Noop", "--priority", "urgent"]).status == 2)
        harness.stop()
    }
}
