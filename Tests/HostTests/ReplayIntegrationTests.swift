import Foundation
import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// Runs `roadsense run --replay` on the committed Barber excerpt as real processes (host + three plugins),
/// listens on the PUB socket like any subscriber, and checks what arrived and what was stored against the
/// organisers' own files.
@Suite("Replay through host, plugins and PUB socket", .serialized)
struct ReplayIntegrationTests {
    /// Everything a subscriber received during one run.
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var updates: [Update] = []
        func add(_ update: Update) { lock.withLock { updates.append(update) } }
        var all: [Update] { lock.withLock { updates } }
    }

    struct Run {
        let status: Int32
        let updates: [Update]
        let storePath: String
        let stderr: String
    }

    static func replay(
        _ directory: URL, speed: Int = 300, extra: [String] = [], during: ((_ runtime: String) throws -> Void)? = nil,
        prepare: ((_ work: URL, _ storePath: String) throws -> [String])? = nil
    ) throws -> Run {
        let work = try TestPaths.temporaryDirectory("replay")
        let runtime = work.appendingPathComponent("run").path
        let storePath = work.appendingPathComponent("store.sqlite").path
        // `prepare` may fill the store first and returns more command-line arguments.
        let prepared = try prepare?(work, storePath) ?? []
        let received = Received()
        let subscriber = UpdateSubscriber(
            endpoint: "ipc://\(runtime)/updates.ipc", prefixes: [], onUpdate: { received.add($0) })
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
        try subscriber.start()

        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments =
            [
                "run", "--replay", directory.path, "--speed", String(speed), "--store", "sqlite:\(storePath)",
                "--runtime-dir", runtime, "--log-level", "warning",
            ] + extra + prepared
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Watchdog: a replay still running after 180 s is killed, so a hang fails the test instead of CI.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 180, execute: watchdog)
        defer { watchdog.cancel() }
        try during?(runtime)
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 0 { subscriber.finish(timeoutMs: 5000) } else { subscriber.cancel() }
        return Run(
            status: process.terminationStatus, updates: received.all, storePath: storePath,
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Lap times per car straight from the analysis file, parsed here independently of the readers.
    static func analysisLapTimes(_ file: URL) throws -> [Int: [Int: Int64]] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var laps: [Int: [Int: Int64]] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let car = Int(fields[0]), let lap = Int(fields[2]) else { continue }
            let parts = fields[3].split(separator: ":")
            let ms = Int64(parts[0])! * 60_000 + Int64((Double(parts[1])! * 1000).rounded())
            laps[car, default: [:]][lap] = ms
        }
        return laps
    }

    @Test("the excerpt replays end to end: states, predictions, alerts and laps arrive and match the files")
    func replayExcerpt() throws {
        let run = try Self.replay(TestPaths.excerpt)
        #expect(run.status == 0, "host exited \(run.status): \(run.stderr.suffix(2000))")

        // The summary arrives last, over the PUB socket, with no gap in the sequence numbers. (A subscriber
        // that connects while the host binds may miss the first few: ZeroMQ's slow-joiner behaviour.)
        let seqs = run.updates.map(\.seq)
        let first = seqs.first ?? 0
        #expect(first >= 1 && first <= 20)
        #expect(seqs == Array(first..<(first + UInt64(seqs.count))))
        guard case .summary(let summary)? = run.updates.last?.body else {
            Issue.record("no summary update")
            return
        }
        #expect(summary.callsFailed == 0)
        #expect(summary.samples > 3000)

        // Car states: every car on the timing sheet gets one; the telemetry car's carry its live channels.
        let states = run.updates.compactMap { u -> CarState? in
            if case .carState(let s) = u.body { return s } else { return nil }
        }
        let live = states.filter { $0.frame.vehicleID == "GR86-002-000" && $0.samples > 0 }
        #expect(!live.isEmpty)
        #expect(live.contains { ($0.frame.speedKph ?? 0) > 100 && $0.frame.gear != nil && $0.frame.rpm != nil })

        // Laps: the stored laps of every car equal the analysis file's, and each car's best equals the
        // file's fastest; car 2's best (lap 5, 1:38.326) is also the organisers' 99_ best-lap file's.
        let expected = try Self.analysisLapTimes(
            TestPaths.excerpt.appendingPathComponent("23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"))
        let store = try SQLiteRaceStore(path: run.storePath)
        for (car, laps) in expected {
            let stored = try store.laps(carKey: String(car)).filter { $0.source == .analysis }
            #expect(stored.count == laps.count, "car \(car)")
            #expect(Dictionary(uniqueKeysWithValues: stored.map { ($0.lap, $0.lapTimeMs ?? 0) }) == laps, "car \(car)")
        }
        let predictions = try store.latestPredictions()
        let car2 = predictions.first { $0.carNumber == 2 }
        #expect(car2?.lapsCompleted == expected[2]?.count)
        let finalStates = run.updates.compactMap { u -> StrategyPrediction? in
            if case .prediction(let p) = u.body { return p } else { return nil }
        }
        #expect(Set(finalStates.compactMap(\.carNumber)) == Set(expected.keys))
        #expect(expected[2]?.values.min() == 98_326)

        // Alerts: the telemetry excerpt stops after lap 3, so the stale-feed rule must fire for that car.
        let alerts = try store.alerts()
        #expect(alerts.contains { $0.rule == "stale_feed" && $0.vehicleID == "GR86-002-000" })
        #expect(run.updates.contains { $0.topic.hasPrefix("alert.") })
        #expect(try store.count(.carFrames) > 100)
    }

    @Test("a missing replay directory is a one-line error naming it, exit code 2")
    func missingDirectory() throws {
        let run = try Self.replay(URL(fileURLWithPath: "/nonexistent/race"))
        #expect(run.status == 2)
        #expect(run.stderr.contains("/nonexistent/race"))
    }
}
