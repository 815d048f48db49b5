import Foundation
import RoadSenseHost
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The task protocol's promises, with real host and plugin processes: no call is lost to a killed or
/// frozen worker or a killed host, failures end in the dead letters, and long calls do not hold up short ones.
@Suite("Task protocol with real processes", .serialized)
struct TaskProtocolTests {
    func succeeded(_ store: SQLiteRaceStore) throws -> Int { try store.calls(state: .succeeded).count }

    /// Most of the 2,000 calls wait as store-only references (`residentQueuedCalls` 100), so that path is
    /// under the same test.
    @Test("a worker killed in the middle of 2,000 calls loses none: each call succeeds exactly once")
    func workerKilledMidRun() throws {
        let harness = try HostHarness(replicas: 2, residentQueuedCalls: 100)
        // One long call first: the worker running it is the victim, so the kill always catches a call.
        let long = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5_000), count: 1)
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 1), count: 2000)
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try self.succeeded($0) >= 300 })
        let running = try #require(try harness.store().call(id: long[0]))
        #expect(running.state == .running)
        let victim = try #require(running.worker.flatMap { Int32($0.split(separator: "/").last ?? "") })
        #expect(harness.pluginPIDs().contains(victim))
        kill(victim, SIGKILL)
        #expect(try harness.wait(seconds: 120) { try self.succeeded($0) == 2001 }, "\(harness.log.suffix(2000))")
        harness.stop()

        let calls = try harness.store().calls(state: nil)
        #expect(calls.count == 2001)
        #expect(Set(calls.map(\.callID)) == Set(ids + long))
        #expect(calls.allSatisfy { $0.state == .succeeded && $0.result != nil })
        // The call the victim held was redelivered as its second attempt, to the other worker or the restart.
        let redelivered = try #require(calls.first { $0.callID == long[0] })
        #expect(redelivered.attempt == 2)
        #expect(redelivered.errors.count == 1 && redelivered.errors[0].contains("bench/\(victim)"))
        #expect(try harness.store().deadLetters().isEmpty)
    }

    /// The late replies the host counted (`ctl status`, `calls.late_replies`).
    func lateReplies(_ harness: HostHarness) throws -> Int {
        (try harness.status()["calls"] as? [String: Any])?["late_replies"] as? Int ?? -1
    }

    @Test(
        "a frozen worker the host did not start: calls re-dispatched within the liveness window, late replies ignored")
    func frozenRemoteWorker() throws {
        let heartbeatMs = 500
        let liveness = 3
        let harness = try HostHarness(replicas: 0, heartbeatMs: heartbeatMs, liveness: liveness)
        try harness.start()
        // Both workers are started by hand, as on another machine: the host cannot kill them.
        // A plugin runs its calls one at a time; two credits let it hold a second one waiting.
        let frozen = try harness.startWorker("frozen", credits: 2)
        defer { frozen.terminate() }
        #expect(try harness.wait(seconds: 20) { _ in harness.registered(pid: frozen.processIdentifier) })
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 2000), count: 2, timeoutMs: 30_000)
        let frozenLabel = "bench/\(frozen.processIdentifier)"
        let held = try harness.wait(seconds: 20) { store in
            try ids.allSatisfy {
                try store.call(id: $0).map { $0.state == .running && $0.worker == frozenLabel } ?? false
            }
        }
        #expect(held, "the worker to freeze should hold both calls\n\(harness.log.suffix(2000))")
        let other = try harness.startWorker("other", credits: 4)
        defer { other.terminate() }
        #expect(try harness.wait(seconds: 20) { _ in harness.registered(pid: other.processIdentifier) })

        kill(frozen.processIdentifier, SIGSTOP)
        let stopped = Date()
        let otherLabel = "bench/\(other.processIdentifier)"
        let moved = try harness.wait(seconds: 20) { store in
            try ids.allSatisfy { id in
                try store.call(id: id).map { $0.attempt == 2 && $0.worker == otherLabel } ?? false
            }
        }
        let elapsedMs = Date().timeIntervalSince(stopped) * 1000
        #expect(moved, "\(harness.log.suffix(3000))")
        // The host last heard the worker at most one heartbeat before the stop, so it writes it off between
        // (liveness − 1) and liveness heartbeats later; the retry then waits out its backoff (full jitter, at
        // most min(cap, base × 2) for a first attempt) and is dispatched on the next loop pass.
        let windowMs = Double(heartbeatMs * liveness)
        let backoffMs = Double(RetryPolicy.standard.delayCapMs(afterAttempt: 1))
        let slackMs = 1500.0  // host loop passes, store commits and this test's 20 ms polling, on a loaded machine
        #expect(elapsedMs >= windowMs - Double(heartbeatMs) - 20, "re-dispatched after \(elapsedMs) ms")
        #expect(elapsedMs <= windowMs + backoffMs + slackMs, "re-dispatched after \(elapsedMs) ms")
        // The host did not (could not) kill a worker it does not supervise: it is still there, stopped.
        #expect(HostHarness.isAlive(frozen.processIdentifier))
        #expect(!harness.log.contains("killing it so it is replaced"))

        kill(frozen.processIdentifier, SIGCONT)
        // Thawed, it finishes its two first attempts and sends their replies: each one is late.
        #expect(
            try harness.wait(seconds: 30) { _ in try self.lateReplies(harness) == 2 }, "\(harness.log.suffix(3000))")
        #expect(try harness.wait(seconds: 30) { try self.succeeded($0) == 2 }, "\(harness.log.suffix(3000))")
        let lateLines = HostHarness.lines(in: harness.log, containing: "late reply ignored", "attempt=1")
        #expect(lateLines.count == 2, "\(lateLines)")
        #expect(try lateReplies(harness) == 2)
        harness.stop()

        let calls = try harness.store().calls(state: nil)
        #expect(calls.count == 2 && Set(calls.map(\.callID)) == Set(ids))
        for call in calls {
            #expect(call.state == .succeeded && call.attempt == 2 && call.worker == otherLabel)
            let result = try BenchResult(wire: try #require(call.result))
            #expect(result.pid == UInt32(other.processIdentifier) && result.attempt == 2)
            #expect(call.errors.count == 1)
            #expect(
                call.errors.first?.contains("\(frozenLabel) lost: silent for more than \(heartbeatMs * liveness) ms")
                    == true)
        }
        #expect(try harness.store().deadLetters().isEmpty)
    }

    @Test("a supervised replica that goes silent (SIGSTOP) is killed and replaced; the call it held runs again")
    func silentSupervisedReplicaIsKilled() throws {
        let harness = try HostHarness(replicas: 2, heartbeatMs: 500, liveness: 3)
        try harness.start()
        #expect(
            try harness.wait(seconds: 20) { _ in
                harness.pluginPIDs().allSatisfy(harness.registered(pid:)) && harness.pluginPIDs().count == 2
            })
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 2000), count: 2, timeoutMs: 30_000)
        #expect(
            try harness.wait(seconds: 20) { store in try ids.allSatisfy { try store.call(id: $0)?.state == .running } })
        let held = try #require(try harness.store().call(id: ids[0]))
        let victim = try #require(held.worker.flatMap { Int32($0.split(separator: "/").last ?? "") })
        kill(victim, SIGSTOP)
        // The host kills a silent process it started (a frozen one would hold its calls for ever), and the
        // supervisor replaces it.
        #expect(try harness.wait(seconds: 20) { _ in !HostHarness.isAlive(victim) }, "\(harness.log.suffix(3000))")
        #expect(try harness.wait(seconds: 30) { try self.succeeded($0) == 2 }, "\(harness.log.suffix(3000))")
        #expect(
            try harness.wait(seconds: 20) { _ in
                let now = harness.pluginPIDs()
                return now.count == 2 && !now.contains(victim)
            })
        harness.stop()
        #expect(harness.log.contains("plugin process silent past the liveness window; killing it so it is replaced"))
        let again = try #require(try harness.store().call(id: ids[0]))
        #expect(again.state == .succeeded && again.attempt == 2 && again.worker != "bench/\(victim)")
        #expect(again.errors.count == 1 && again.errors[0].contains("bench/\(victim) lost: silent for more than"))
        #expect(try harness.store().call(id: ids[1])?.attempt == 1)
    }

    @Test("soft time limit: the host sends Cancel, the plugin replies DEADLINE_EXCEEDED, retried, then dead-lettered")
    func softTimeLimit() throws {
        // A hard limit far away: only the Cancel path can end these attempts in time.
        let harness = try HostHarness(replicas: 1, hardLimitGraceMs: 60_000)
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 1 })
        let original = harness.pluginPIDs()
        let id = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 60_000), timeoutMs: 400, attempts: 2)[0]
        #expect(
            try harness.wait(seconds: 30) { try $0.deadLetters().contains { $0.callID == id } },
            "\(harness.log.suffix(3000))")
        let letter = try #require(try harness.store().deadLetters().first { $0.callID == id })
        #expect(letter.attempts == 2)
        #expect(letter.errors.count == 2, "\(letter.errors)")
        // Each attempt was ended by the plugin itself, answering the Cancel — not by the hard limit.
        #expect(
            letter.errors.allSatisfy { $0.contains("DEADLINE_EXCEEDED: cancelled after its deadline") },
            "\(letter.errors)")
        #expect(!letter.errors.contains { $0.contains("hard time limit") })
        #expect(
            HostHarness.lines(in: harness.log, containing: "asked the worker to cancel it", "call.id=\(id)").count == 2)
        #expect(
            HostHarness.lines(in: harness.log, containing: "call attempt failed; retrying", "call.id=\(id)").count == 1)
        // Nobody was killed for it.
        #expect(harness.pluginPIDs() == original)
        harness.stop()
        #expect(!harness.log.contains("killing it"))
    }

    @Test("a Swift worker whose host is SIGKILLed reconnects with backoff and registers with the new host")
    func swiftWorkerReconnects() throws {
        let harness = try HostHarness(replicas: 0, heartbeatMs: 200, liveness: 3)
        try harness.start()
        let worker = try harness.startWorker("reconnecting")
        defer { worker.terminate() }
        let pid = worker.processIdentifier
        #expect(try harness.wait(seconds: 20) { _ in harness.registered(pid: pid) })
        let first = try harness.submit("bench.Noop", BenchRequest())
        #expect(try harness.wait(seconds: 20) { try self.succeeded($0) == 1 })

        harness.stop(kill: true)
        // Nothing answers: the worker backs off, 250 ms and doubling, reconnecting and sending Hello each time.
        let workerLog = { (try? String(contentsOf: harness.workerLog("reconnecting"), encoding: .utf8)) ?? "" }
        let silent = { HostHarness.lines(in: workerLog(), containing: "host silent; reconnecting") }
        #expect(try harness.wait(seconds: 20) { _ in silent().count >= 3 }, "\(workerLog())")
        let delays = silent().prefix(3).compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("retry_in_ms=") }.flatMap { Int($0.dropFirst(12)) }
        }
        #expect(delays == [250, 500, 1000], "\(workerLog())")
        #expect(worker.isRunning)

        // A new host on the same endpoint: the worker registers with it and serves its calls.
        try harness.start()
        #expect(
            try harness.wait(seconds: 30) { _ in harness.registered(pid: pid) }, "\(harness.lastLog)\n\(workerLog())")
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5), count: 10)
        #expect(try harness.wait(seconds: 30) { try self.succeeded($0) == 11 }, "\(harness.lastLog)")
        harness.stop()
        let store = try harness.store()
        #expect(try (first + ids).allSatisfy { try store.call(id: $0)?.worker == "bench/\(pid)" })
        let attempts = try ids.map { try store.call(id: $0).map { ($0.attempt, $0.errors) } }
        #expect(attempts.allSatisfy { $0?.0 == 1 }, "\(attempts)\n\(harness.lastLog)")
    }

    @Test("a host killed mid-run finishes every accepted call when started again")
    func hostKilledAndRestarted() throws {
        let harness = try HostHarness(replicas: 2, residentQueuedCalls: 20)
        // One long call first, so a call is surely running when the host is killed.
        let long = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 3000), count: 1, timeoutMs: 30_000)
        let ids = try long + harness.submit("bench.Sleep", BenchRequest(sleepMs: 5), count: 299)
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try self.succeeded($0) >= 50 })
        harness.stop(kill: true)
        let before = try succeeded(harness.store())
        #expect(before < 300)
        // What the store says was running when the host died (nothing writes calls rows now).
        let running = Set(try harness.store().calls(state: .running).map(\.callID))
        let doneBefore = Set(try harness.store().calls(state: .succeeded).map(\.callID))
        #expect(running.contains(long[0]))
        // The plugins die with their host (PR_SET_PDEATHSIG).
        #expect(try harness.wait(seconds: 10) { _ in harness.pluginPIDs().isEmpty })

        try harness.start()
        #expect(try harness.wait(seconds: 120) { try self.succeeded($0) == 300 }, "\(harness.log.suffix(2000))")
        harness.stop()
        let calls = try harness.store().calls(state: nil)
        #expect(Set(calls.map(\.callID)) == Set(ids))
        #expect(calls.allSatisfy { $0.state == .succeeded })
        #expect(harness.log.contains("recovered calls left unfinished by a previous host"))
        // The calls that were running came back as their second attempt, with the reason; the others ran once.
        for call in calls {
            if running.contains(call.callID) {
                #expect(call.attempt == 2, "\(call.callID) was running when the host died")
                #expect(call.errors == ["attempt 1: host stopped while the call was running"], "\(call.errors)")
                let result = try BenchResult(wire: try #require(call.result))
                #expect(result.attempt == 2)
            } else {
                #expect(call.attempt == 1 && call.errors.isEmpty, "\(call.callID): \(call.attempt) \(call.errors)")
            }
        }
        #expect(calls.filter { doneBefore.contains($0.callID) }.allSatisfy { $0.attempt == 1 })
    }

    @Test("a call that always fails is dead-lettered with every attempt's error, and retry brings it back")
    func deadLetters() throws {
        let harness = try HostHarness(replicas: 1)
        try harness.start()
        let retryable = try harness.submit("bench.Fail", BenchRequest(failWith: .unavailable), attempts: 3)[0]
        let fatal = try harness.submit("bench.Fail", BenchRequest(failWith: .invalidArgument), attempts: 3)[0]
        #expect(try harness.wait(seconds: 30) { try $0.deadLetters().count == 2 }, "\(harness.log.suffix(2000))")

        let letters = try harness.store().deadLetters()
        let first = try #require(letters.first { $0.callID == retryable })
        #expect(first.attempts == 3)
        #expect(first.errors.count == 3)
        #expect(first.errors.allSatisfy { $0.contains("UNAVAILABLE") })
        // INVALID_ARGUMENT is never retried.
        let second = try #require(letters.first { $0.callID == fatal })
        #expect(second.attempts == 1)
        #expect(second.errors.count == 1)

        #expect(try harness.store().retryDeadLetter(id: retryable, nowMs: 0))
        #expect(try harness.store().deadLetters().count == 1)
        // The host picks it up again and, the call still failing, files it again after three fresh attempts.
        #expect(try harness.wait(seconds: 30) { try $0.deadLetters().count == 2 })
        harness.stop()
        let again = try #require(try harness.store().deadLetters().first { $0.callID == retryable })
        #expect(again.attempts == 3)
    }

    @Test("a manifest's per-method retry policy sets the attempts and backoff of calls that name no attempts")
    func perMethodRetryPolicy() throws {
        let bench: [String: Any] = [
            "name": "bench", "executable": "roadsense-bench", "replicas": 1, "credits": 1,
            "methods": ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"], "retry": ["maxAttempts": 2],
            "methodRetry": ["bench.Fail": ["maxAttempts": 5, "backoffBaseMs": 5, "backoffCapMs": 20]],
        ]
        let harness = try HostHarness(replicas: 0, plugins: [bench])
        // attempts 0: the call names none (as `roadsense submit` without --attempts stores it).
        let byMethod = try harness.submit("bench.Fail", BenchRequest(failWith: .unavailable), attempts: 0)[0]
        let named = try harness.submit("bench.Fail", BenchRequest(failWith: .unavailable), attempts: 1)[0]
        let byPlugin = try harness.submit(
            "bench.Sleep", BenchRequest(sleepMs: 60_000), timeoutMs: 300, attempts: 0)[0]
        try harness.start()
        #expect(try harness.wait(seconds: 30) { try $0.deadLetters().count == 3 }, "\(harness.log.suffix(3000))")
        harness.stop()
        let letters = Dictionary(uniqueKeysWithValues: try harness.store().deadLetters().map { ($0.callID, $0) })
        #expect(letters[byMethod]?.attempts == 5)  // methodRetry of bench.Fail
        #expect(letters[named]?.attempts == 1)  // the call's own budget
        #expect(letters[byPlugin]?.attempts == 2)  // the plugin's retry, for bench.Sleep
        // Every retry of bench.Fail waited within its method's backoff: at most min(20, 5 × 2^attempt) ms.
        let delays = HostHarness.lines(
            in: harness.log, containing: "call attempt failed; retrying", "call.id=\(byMethod)"
        )
        .compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("retry_in_ms=") }.flatMap { Int($0.dropFirst(12)) }
        }
        #expect(delays.count == 4, "\(delays)")
        #expect(zip(delays, [10, 20, 20, 20]).allSatisfy { $0 <= $1 }, "\(delays)")
    }

    @Test("a submitted call for a method no plugin serves fails at once as UNIMPLEMENTED, not queued forever")
    func unservedMethod() throws {
        let harness = try HostHarness(replicas: 1)
        let id = try harness.submit("nosuch.Method", BenchRequest())[0]
        try harness.start()
        #expect(try harness.wait(seconds: 20) { try $0.deadLetters().contains { $0.callID == id } })
        harness.stop()
        #expect(!harness.stuckOnStop, "the host ignored SIGTERM")
        let letter = try #require(try harness.store().deadLetters().first { $0.callID == id })
        #expect(letter.attempts == 1)
        #expect(letter.errors.first?.contains("UNIMPLEMENTED") == true)
    }

    @Test("a call stuck past its hard time limit gets its worker killed and restarted, and is retried")
    func hardTimeLimit() throws {
        let harness = try HostHarness(replicas: 1, hardLimitGraceMs: 500)
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 1 })
        let original = harness.pluginPIDs()
        let id = try harness.submit("bench.Hang", BenchRequest(sleepMs: 60_000), timeoutMs: 300, attempts: 2)[0]
        #expect(try harness.wait(seconds: 30) { try $0.deadLetters().contains { $0.callID == id } })
        let after = try #require(try harness.store().deadLetters().first { $0.callID == id })
        #expect(after.errors.count == 2)
        #expect(after.errors.allSatisfy { $0.contains("hard time limit") })
        // The stuck process was killed and a new one took its place.
        #expect(
            try harness.wait(seconds: 20) { _ in
                let now = harness.pluginPIDs()
                return now.count == 1 && now != original
            })
        harness.stop()
    }

    @Test("a long call on one worker does not delay short calls another worker can take")
    func longCallDoesNotBlockShortOnes() throws {
        let harness = try HostHarness(replicas: 2)
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 2 })
        let long = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 4000), timeoutMs: 20_000)[0]
        let short = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 1), count: 20)
        let shortDone = try harness.wait(seconds: 20) { store in
            try short.allSatisfy { try store.call(id: $0)?.state == .succeeded }
        }
        #expect(shortDone)
        // All short calls finished while the long one was still running.
        #expect(try harness.store().call(id: long)?.state == .running)
        let store = try harness.store()
        let shortEnd = try short.compactMap { try store.call(id: $0)?.finishedMs }.max() ?? .max
        #expect(try harness.wait(seconds: 20) { try $0.call(id: long)?.state == .succeeded })
        let longEnd = try store.call(id: long)?.finishedMs ?? 0
        #expect(shortEnd < longEnd)
        harness.stop()
    }
}

@Suite("Priorities with real processes", .serialized)
struct PriorityProcessTests {
    @Test("high overtakes queued medium and low calls; medium and low still progress within their bounds")
    func weightedFairDispatch() throws {
        let harness = try HostHarness(replicas: 1)
        // Queue everything before the host starts, so it claims them all at once: low first, then medium, high.
        let low = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5), count: 30, priority: .low)
        let medium = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5), count: 30, priority: .medium)
        _ = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5), count: 60, priority: .high)
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count == 120 })
        harness.stop()

        // Order of completion, from the stored finish times (one worker, one credit: a strict sequence).
        let calls = try harness.store().calls(state: .succeeded).sorted {
            ($0.finishedMs ?? 0, $0.enqueuedMs) < ($1.finishedMs ?? 0, $1.enqueuedMs)
        }
        let order = calls.map { Set(low).contains($0.callID) ? "L" : Set(medium).contains($0.callID) ? "M" : "H" }
        // The rule worked by hand (CallQueueTests.threeLanesBacklogged): medium after 4 passes, low after 8.
        #expect(order.prefix(20).joined() == "HHHHMHHHLMHHHHMHHLHM", "\(order.joined())")
        // While a lane has calls left, it is never passed over more than its bound in a row.
        for (lane, bound) in [("M", 4), ("L", 9)] {
            let last = try #require(order.lastIndex(of: lane))
            var run = 0
            var longest = 0
            for mark in order[...last] {
                run = mark == lane ? 0 : run + 1
                longest = max(longest, run)
            }
            #expect(longest <= bound, "\(lane): \(order.joined())")
        }
    }
}
