import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

@testable import RoadSenseHost

/// A call is done only when its result is stored. The store here refuses for real: another process holds an
/// exclusive transaction on the SQLite file, so the host's writes fail with SQLITE_BUSY after
/// `storeBusyTimeoutMs`.
@Suite("A pass the store refuses", .serialized)
struct StoreCommitFailureTests {
    /// A durable call as the host keeps it, `attempt` of `maxAttempts`.
    func pending(_ id: String, attempt: UInt32, of maxAttempts: Int) -> PendingCall {
        var pending = PendingCall(
            call: Call(callID: id, method: "bench.Noop", attempt: attempt, payload: [], priority: .medium),
            entry: CallRecord.submitEntry, maxAttempts: maxAttempts, enqueuedWallMs: 1, attemptTimeoutMs: 5000)
        pending.workerLabel = "bench/1"
        return pending
    }

    @Test("nothing of a refused pass is announced or kept; its success is retried, its dead letter stored later")
    func refusedPass() throws {
        let directory = try TestPaths.temporaryDirectory("refused-pass")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        var config = HostConfiguration.defaults()
        config.useRuntimeDirectory(directory.appendingPathComponent("run").path)
        config.store = "sqlite:\(path)"
        let host = try Host(
            config: config, replay: nil, logger: Logger(component: "test.host", minimum: .error, sink: .memory()),
            output: HostOutput(showProgress: false))
        host.store = try openStore(.sqlite(path: path), sqliteBusyTimeoutMs: 100)
        try host.prepareSpool()
        var notices: [String] = []
        host.onCallFinished = { id, state in notices.append("\(id) \(state.rawValue)") }
        let reader = try SQLiteRaceStore(path: path)

        // Two calls the store holds as queued: one is about to succeed, one to fail on its last attempt.
        let succeeding = pending("succeeding", attempt: 1, of: 3)
        let failing = pending("failing", attempt: 3, of: 3)
        host.committing("submitted calls") {
            host.record(succeeding, state: .queued, withPayload: true)
            host.record(failing, state: .queued, withPayload: true)
        }
        #expect(try reader.calls(state: .queued).count == 2)

        let lock = try SQLiteLockHolder(path: path)
        host.committing("replies") {
            host.record(succeeding, state: .succeeded, status: "OK", result: [7])
            host.attemptFailed(failing, status: .unavailable, message: "worker bench/1 lost")
        }
        // Refused: no notice, nothing kept.
        #expect(notices.isEmpty)
        #expect(try reader.calls(state: .queued).map(\.callID).sorted() == ["failing", "succeeding"])
        #expect(try reader.deadLetters().isEmpty)
        #expect(host.statistics.storeErrors >= 1)
        // The success is not done: it goes back to the queue as its next attempt, saying why.
        #expect(host.queue.count == 1)
        let retry = try #require(try host.queue.pop(nowMs: .max, canRun: { _ in true }))
        #expect(retry.call.callID == "succeeding")
        #expect(retry.call.attempt == 2)
        #expect(retry.errors.last?.contains("UNAVAILABLE: its result could not be stored") == true)
        // The final failure keeps its dead letter for a later pass.
        #expect(host.unstoredFinals.map(\.pending.call.callID) == ["failing"])

        lock.release()
        host.storeUnstoredFinals()
        #expect(notices == ["failing failed"])
        #expect(try reader.call(id: "failing")?.state == .failed)
        #expect(try reader.deadLetters().map(\.callID) == ["failing"])
        #expect(host.unstoredFinals.isEmpty)
    }

    @Test("a reply whose result the store refuses is run again, and the call ends stored as succeeded")
    func refusedReplyWithRealProcesses() throws {
        let harness = try HostHarness(replicas: 1, settings: ["storeBusyTimeoutMs": 200])
        try harness.start()
        let id = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 1500), timeoutMs: 10_000, attempts: 3)[0]
        #expect(try harness.wait(seconds: 20) { try $0.call(id: id)?.state == .running }, "\(harness.log.suffix(2000))")

        // The first attempt's reply comes while another process holds the database.
        let lock = try SQLiteLockHolder(path: harness.storePath)
        let refused = Date().addingTimeInterval(20)
        while !harness.log.contains("could not store calls") && Date() < refused { usleep(20_000) }
        lock.release()
        #expect(harness.log.contains("could not store calls"), "\(harness.log.suffix(2000))")

        #expect(
            try harness.wait(seconds: 30) { try $0.call(id: id)?.state == .succeeded }, "\(harness.log.suffix(3000))")
        harness.stop()
        let call = try #require(try harness.store().call(id: id))
        #expect(call.attempt == 2)
        #expect(call.errors.count == 1 && call.errors[0].contains("its result could not be stored"))
        #expect(call.result != nil)
    }
}
