import Foundation
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

    @Test("a frozen worker's calls are re-dispatched within the liveness window; its late reply is ignored")
    func frozenWorker() throws {
        let harness = try HostHarness(replicas: 2, heartbeatMs: 200, liveness: 3)
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 2 })
        // Let both register, then freeze one and give the pair work.
        let warm = try harness.submit("bench.Noop", BenchRequest(), count: 4)
        #expect(try harness.wait(seconds: 20) { try self.succeeded($0) == warm.count })
        let frozen = try #require(harness.pluginPIDs().first)
        kill(frozen, SIGSTOP)
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 50), count: 6)
        let done = try harness.wait(seconds: 20) { store in
            try ids.allSatisfy { try store.call(id: $0)?.state == .succeeded }
        }
        #expect(done, "\(harness.log.suffix(2000))")
        kill(frozen, SIGCONT)
        // The thawed worker finds the host silent, reconnects and registers again (a third registration);
        // its late reply changes nothing.
        #expect(
            try harness.wait(seconds: 10) { _ in
                harness.log.components(separatedBy: "worker registered").count - 1 >= 3
            }, "\(harness.log.suffix(2000))")
        let results = try ids.compactMap { try harness.store().call(id: $0) }
        harness.stop()
        #expect(results.count == 6)
        #expect(results.allSatisfy { $0.state == .succeeded })
        let pids = results.compactMap { $0.result.flatMap { try? BenchResult(wire: $0) }?.pid }
        #expect(pids.allSatisfy { Int32($0) != frozen }, "a result came from the frozen worker")
        #expect(harness.log.contains("silent for more than"))
    }

    @Test("a host killed mid-run finishes every accepted call when started again")
    func hostKilledAndRestarted() throws {
        let harness = try HostHarness(replicas: 2, residentQueuedCalls: 20)
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 5), count: 300)
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try self.succeeded($0) >= 50 })
        harness.stop(kill: true)
        let before = try succeeded(harness.store())
        #expect(before < 300)
        // The plugins die with their host (PR_SET_PDEATHSIG).
        #expect(try harness.wait(seconds: 10) { _ in harness.pluginPIDs().isEmpty })

        try harness.start()
        #expect(try harness.wait(seconds: 120) { try self.succeeded($0) == 300 }, "\(harness.log.suffix(2000))")
        harness.stop()
        let calls = try harness.store().calls(state: nil)
        #expect(Set(calls.map(\.callID)) == Set(ids))
        #expect(calls.allSatisfy { $0.state == .succeeded })
        #expect(harness.log.contains("recovered calls left unfinished by a previous host"))
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
    @Test("high-priority calls overtake queued low ones, and low ones still progress within the bound")
    func highOvertakesLowWithoutStarving() throws {
        let harness = try HostHarness(replicas: 1)
        // Queue everything before the host starts, so it claims them all at once: low first, then high.
        let low = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 2), count: 30, priority: .low)
        let high = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 2), count: 60, priority: .high)
        try harness.start()
        #expect(try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count == 90 })
        harness.stop()

        // Order of completion, from the stored finish times (one worker, one credit: a strict sequence).
        let calls = try harness.store().calls(state: .succeeded).sorted {
            ($0.finishedMs ?? 0, $0.enqueuedMs) < ($1.finishedMs ?? 0, $1.enqueuedMs)
        }
        let order = calls.map { Set(low).contains($0.callID) ? "L" : "H" }
        let firstLow = try #require(order.firstIndex(of: "L"))
        // High goes first: the first low call runs only after the starvation bound (8) of high ones…
        #expect(firstLow >= 8, "\(order.joined())")
        // …and while high calls remain, no low call waits behind more than 8 consecutive high ones.
        let lastHigh = try #require(order.lastIndex(of: "H"))
        var run = 0
        var longest = 0
        for mark in order[firstLow...lastHigh] {
            run = mark == "H" ? run + 1 : 0
            longest = max(longest, run)
        }
        #expect(longest <= 8, "\(order.joined())")
        #expect(high.count == 60)
    }
}
