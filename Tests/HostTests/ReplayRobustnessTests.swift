import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The replay keeps going through bad rows, garbage from a peer and a plugin killed mid-race.
@Suite("Replay survives bad input, bad peers and dead plugins", .serialized)
struct ReplayRobustnessTests {
    /// A copy of the excerpt whose telemetry file has bad rows appended (in the file's own CRLF format).
    static func excerptWithBadTelemetry() throws -> URL {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        for file in try FileManager.default.contentsOfDirectory(atPath: TestPaths.excerpt.path) {
            try FileManager.default.copyItem(
                at: TestPaths.excerpt.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        let telemetry = directory.appendingPathComponent("R1_barber_telemetry_data_sample.csv")
        let prefix = ",2,I_R06_2025-09-06,R1,kafka:gr-raw,2025-09-06T18:40:30.000Z,GR86-002-000,0,"
        let suffix = ",2025-09-05T00:28:09.000Z,GR86-002-000,0"
        let bad = [
            prefix + "speed,fast" + suffix,  // non-numeric value
            prefix + "speed," + suffix,  // empty value
            prefix + "warp_drive,1.0" + suffix,  // unknown telemetry_name
            ",32768,I_R06_2025-09-06,R1,kafka:gr-raw,2025-09-06T18:40:30.000Z,GR86-002-000,0,speed,99.5" + suffix,
            "this line is not a telemetry row",
        ]
        let handle = try FileHandle(forWritingTo: telemetry)
        handle.seekToEndOfFile()
        handle.write(Data(bad.map { $0 + "\r\n" }.joined().utf8))
        try handle.close()
        return directory
    }

    @Test("bad telemetry rows are counted by reason in the summary and the replay still succeeds")
    func badRowsAreCounted() throws {
        let run = try ReplayIntegrationTests.replay(try Self.excerptWithBadTelemetry())
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        guard case .summary(let summary)? = run.updates.last?.body else {
            Issue.record("no summary")
            return
        }
        // The excerpt itself has 14 exact duplicate rows and 13 conflicting readings of one (vehicle, timestamp,
        // channel) (SOURCES.md items 21, 22; a Python csv count); the five appended rows are each counted once.
        let telemetry = Dictionary(
            summary.badRows.filter { $0.kind == "telemetry" }.map { ($0.reason, $0.count) }, uniquingKeysWith: +)
        #expect(telemetry["duplicate row"] == 14)
        #expect(telemetry[TelemetryReader.conflictReason] == 13)
        let total = telemetry.values.reduce(0, +)
        #expect(total == 32, "14 + 13 + 5: \(telemetry)")
        #expect(telemetry.keys.contains { $0.contains("unknown telemetry_name") }, "\(telemetry)")
        #expect(telemetry.keys.contains { $0.contains("32768") }, "\(telemetry)")
        #expect(telemetry[FieldCountRule.shortReason] == 1, "\(telemetry)")
        #expect(telemetry["non-numeric telemetry_value"] == 1, "\(telemetry)")
        #expect(telemetry["empty telemetry_value"] == 1, "\(telemetry)")
        #expect(summary.callsFailed == 0)
    }

    /// A copy of the excerpt with the named files emptied (0 bytes).
    static func excerpt(emptying names: [String]) throws -> URL {
        let directory = try TestPaths.temporaryDirectory("empty-files")
        for file in try FileManager.default.contentsOfDirectory(atPath: TestPaths.excerpt.path) {
            let target = directory.appendingPathComponent(file)
            if names.contains(file) {
                try Data().write(to: target)
            } else {
                try FileManager.default.copyItem(at: TestPaths.excerpt.appendingPathComponent(file), to: target)
            }
        }
        return directory
    }

    @Test("an empty weather and an empty telemetry file are bad files in the summary; the race is replayed, exit 0")
    func emptyOptionalFiles() throws {
        let weather = "26_Weather_Race 1_Anonymized.CSV"
        let telemetry = "R1_barber_telemetry_data_sample.csv"
        let run = try ReplayIntegrationTests.replay(try Self.excerpt(emptying: [weather, telemetry]))
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        guard case .summary(let summary)? = run.updates.last?.body else {
            Issue.record("no summary")
            return
        }
        let badFiles = summary.badRows.filter { $0.reason == RaceData.badFileReason }
        #expect(Set(badFiles.map(\.file)) == [weather, telemetry], "\(summary.badRows)")
        #expect(badFiles.allSatisfy { $0.example?.contains("file is empty") == true })
        #expect(summary.laps == 132 && summary.samples == 0)
        #expect(summary.callsFailed == 0)
    }

    @Test("an empty timing sheet and an empty lap_end file leave no race: exit 2 naming both files")
    func noLapTiming() throws {
        let analysis = "23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"
        let run = try ReplayIntegrationTests.replay(try Self.excerpt(emptying: [analysis, "R1_barber_lap_end.csv"]))
        #expect(run.status == 2)
        #expect(run.stderr.contains("[no_lap_timing]"), "\(run.stderr)")
        #expect(run.stderr.contains(analysis) && run.stderr.contains("R1_barber_lap_end.csv"))
    }

    @Test("garbage frames from a rogue peer are dropped and the replay completes")
    func roguePeer() throws {
        let run = try ReplayIntegrationTests.replay(TestPaths.excerpt) { runtime in
            let context = try ZMQContext()
            let rogue = try ZMQSocket(context: context, kind: .dealer)
            try rogue.connect("ipc://\(runtime)/plugins.ipc")
            let junk: [[[UInt8]]] = [
                [Array("RS1".utf8), [0xff, 0xff, 0xff, 0x01]],  // right tag, undecodable body
                [Array("XYZ".utf8), []],  // wrong tag
                [Array("RS1".utf8)],  // one frame only
                [Array(repeating: 0x41, count: 100_000)],  // one big frame
                PeerFrames.encode(.reply(Reply(callID: "nobody-asked", status: .ok, attempt: 1))),  // unknown worker
            ]
            for message in junk { _ = try rogue.send(message, dontWait: false) }
            try rogue.setLinger(ms: 2000)  // close only once the junk has reached the host
            rogue.close()
            context.terminate()
        }
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        guard case .summary(let summary)? = run.updates.last?.body else {
            Issue.record("no summary")
            return
        }
        #expect(summary.callsFailed == 0)
        #expect(run.stderr.contains("malformed frame"))
    }

    @Test("a plugin killed mid-race is restarted, its call retried, and nothing is lost")
    func killedPlugin() throws {
        var killed: Int32 = 0
        let run = try ReplayIntegrationTests.replay(TestPaths.excerpt, speed: 150) { runtime in
            // Wait until the strategy plugin process is up, then SIGKILL it.
            let deadline = Date().addingTimeInterval(20)
            while killed == 0 && Date() < deadline {
                if let pid = Self.pluginPID(named: "roadsense-strategy", runtime: runtime) {
                    kill(pid, SIGKILL)
                    killed = pid
                } else {
                    usleep(20_000)
                }
            }
        }
        #expect(killed > 0)
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(run.stderr.contains("plugin exited; restarting"))
        let store = try SQLiteRaceStore(path: run.storePath)
        #expect(try store.calls(state: .failed).isEmpty)
        // Every car on the timing sheet still got its final prediction.
        let predictions = try store.latestPredictions()
        #expect(Set(predictions.compactMap(\.carNumber)).count == 22)
        #expect(predictions.allSatisfy { $0.lapsCompleted == 6 })
    }

    /// The pid of a plugin started for the host using `runtime`, from /proc.
    static func pluginPID(named name: String, runtime: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { continue }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            if command.contains(name) && command.contains(runtime) { return pid }
        }
        return nil
    }
}
