import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// A replay host is the store's host as much as a live one: calls it accepted and a kill -9 left queued or
/// running are finished by the next host on that store — a replay too — with real processes.
@Suite("Replay host recovery after a kill", .serialized)
struct ReplayRecoveryTests {
    /// `roadsense run --replay` on the excerpt with a bench plugin from a manifest; output to `log`.
    static func startReplay(work: URL, speed: Int, log: String) throws -> Process {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = [
            "run", "--replay", TestPaths.excerpt.path, "--speed", String(speed), "--log-level", "info",
            "--store", "sqlite:\(work.appendingPathComponent("store.sqlite").path)",
            "--runtime-dir", work.appendingPathComponent("run").path,
            "--plugins-dir", work.appendingPathComponent("plugins.d").path,
        ]
        let path = work.appendingPathComponent(log).path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }

    static func wait(seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    @Test("calls a killed replay host claimed are all finished by the next replay on the same store")
    func killedReplayHostsCallsAreFinished() throws {
        let work = try TestPaths.temporaryDirectory("replay-recovery")
        let manifests = work.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        let manifest: [String: Any] = [
            "name": "bench", "executable": "roadsense-bench", "replicas": 2, "credits": 1,
            "methods": ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"],
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifests.appendingPathComponent("bench.json"))
        let storePath = work.appendingPathComponent("store.sqlite").path
        let store = try SQLiteRaceStore(path: storePath)

        // The first replay (slow: it must still run when killed) claims 12 submitted calls and runs two.
        let first = try Self.startReplay(work: work, speed: 10, log: "first.log")
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let ids = try (0..<12).map { index -> String in
            let id = UUID().uuidString.lowercased()
            try store.recordCall(
                CallRecord(
                    callID: id, method: "bench.Sleep", priority: Priority.medium.rawValue, attempt: 1, state: .queued,
                    enqueuedMs: now + Int64(index), entry: CallRecord.submitEntry,
                    payload: BenchRequest(sleepMs: 300).encoded(), maxAttempts: 3, timeoutMs: 10_000))
            return id
        }
        let claimed = try Self.wait(seconds: 60) {
            let calls = try store.calls(state: nil)
            return calls.allSatisfy { $0.owner != nil } && calls.contains { $0.state == .running }
        }
        #expect(claimed, "the first replay never claimed and ran the calls")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let left = try store.unfinishedCalls()
        #expect(!left.isEmpty, "the first replay finished everything before the kill; the test proves nothing")

        // The second replay on the same store and runtime directory finishes every one of them.
        let second = try Self.startReplay(work: work, speed: 300, log: "second.log")
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        #expect(try Self.wait(seconds: 120) { !second.isRunning })
        let log = (try? String(contentsOf: work.appendingPathComponent("second.log"), encoding: .utf8)) ?? ""
        #expect(second.terminationStatus == 0, "\(log.suffix(3000))")
        let calls = try store.calls(state: nil).filter { ids.contains($0.callID) }
        #expect(calls.count == ids.count)
        #expect(calls.allSatisfy { $0.state == .succeeded }, "\(calls.map { "\($0.callID) \($0.state)" })")
        #expect(try store.unfinishedCalls().isEmpty)
        // A call that was running at the kill came back as its next attempt.
        let redelivered = calls.filter { call in left.contains { $0.callID == call.callID && $0.state == .running } }
        #expect(!redelivered.isEmpty && redelivered.allSatisfy { $0.attempt == 2 })
        #expect(log.contains("recovered calls left unfinished by a previous host"))
    }
}
