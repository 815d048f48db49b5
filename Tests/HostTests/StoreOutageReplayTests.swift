import Foundation
import RaceDomain
import RoadSenseStore
import Testing

/// Issue 6, outage: PostgreSQL stopped in the middle of a replay and started again. The host never exits, shows
/// the outage and its spool in `ctl status`, and in the end the store holds the same telemetry frames, laps and
/// weather as the same replay on SQLite without an outage (docs/outage.md).
@Suite("Store outage during a replay", .serialized)
struct StoreOutageReplayTests {
    @Test(
        "PostgreSQL stopped mid-replay and started again: rows stored equal rows fed, the host never exits",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func outage(kind: StoreKind) throws {
        // A cluster of this test's own: stopping it disturbs no other test.
        let directory = try TestPaths.temporaryDirectory("outage-replay")
        let data = directory.appendingPathComponent("pg")
        let url = try StoreOutageTests.cluster("start", data)
        defer {
            _ = try? StoreOutageTests.cluster("stop", data)
            try? FileManager.default.removeItem(at: directory)
        }

        // The reference: the same race on SQLite, no outage.
        let reference = try StoreKit.freshLocation(.sqlite, name: "outage-reference")
        let (referenceStatus, referenceErrors) = try PostgresReplayTests.replay(store: reference)
        #expect(referenceStatus == 0, "reference replay: \(referenceErrors)")

        // 40× real time: the race's 994 s take 25 s, the outage below covers its first 2 to 3 minutes — the
        // car 2 telemetry (its first 16 s), the first laps and weather readings.
        let runtime = directory.appendingPathComponent("run").path
        let log = directory.appendingPathComponent("host.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let host = Process()
        host.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        host.arguments = [
            "run", "--replay", TestPaths.excerpt.path, "--speed", "40", "--store", url, "--runtime-dir", runtime,
            "--log-level", "info",
        ]
        host.standardError = output
        host.standardOutput = FileHandle.nullDevice
        try host.run()
        let pid = host.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 240, execute: watchdog)
        defer { watchdog.cancel() }
        func text() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        // Stop the server once the host has opened (and migrated) the store, before the race clock starts.
        #expect(Self.wait(seconds: 60) { text().contains("host ready") })
        _ = try StoreOutageTests.cluster("stop", data)

        // ctl status shows the outage and what the spool holds; wait until it has lasted 3 s, past what the old
        // retry budget (3 attempts, ≤ 0.8 s apart) survived.
        var status: [String: Any] = [:]
        let shown = Self.wait(seconds: 60) {
            status = Self.ctlStatus(runtime)
            let health = status["store_health"] as? [String: Any]
            let spool = health?["spool"] as? [String: Any]
            return health?["state"] as? String == "unreachable" && (health?["down_s"] as? Double ?? 0) >= 3
                && (spool?["records"] as? Int ?? 0) > 0
        }
        #expect(shown, "ctl status during the outage: \(status)")
        let health = try #require(status["store_health"] as? [String: Any])
        let spool = try #require(health["spool"] as? [String: Any])
        #expect((spool["bytes"] as? Int ?? 0) > 0)
        #expect((spool["refused_records"] as? Int) == 0)
        #expect((health["last_error"] as? String)?.isEmpty == false)
        let line = Self.ctl(["status"], runtime).split(separator: "\n").first { $0.hasPrefix("store: ") } ?? ""
        #expect(line.hasPrefix("store: UNREACHABLE for "), "ctl status: \(line)")
        #expect(line.contains("writes, ") && line.contains("refused 0"), "ctl status: \(line)")
        #expect(host.isRunning, "the host exited during the outage: \(text())")

        _ = try StoreOutageTests.cluster("start", data)
        host.waitUntilExit()
        let finalLog = text()
        #expect(host.terminationStatus == 0, "the host exited \(host.terminationStatus): \(finalLog)")
        #expect(finalLog.contains("store unreachable"))
        #expect(finalLog.contains("store outage over"))

        // Rows stored = rows fed: every frame (by vehicle and ECU instant), every lap and weather reading.
        let a = try openStore(reference)
        let b = try openStore(.postgres(url: url))
        #expect(try b.count(.carFrames) > 0)
        #expect(try b.count(.carFrames) == a.count(.carFrames))
        for vehicle in Set(try a.frames(since: 0).map(\.vehicleID)) {
            // As a set: the reads order by the frame's meta time, which a sample group split across two
            // telemetry calls (the outage moves call boundaries) can take from either half.
            let keys = { (store: RaceStore) in
                try store.frames(vehicleID: vehicle, fromMs: 0, toMs: .max).map { $0.ecuTimeMs ?? -1 }.sorted()
            }
            #expect(try keys(b) == keys(a), "frames of \(vehicle)")
        }
        #expect(try b.weather() == a.weather())
        #expect(try b.count(.laps) == a.count(.laps))
        for car in try a.latestCarStates().map({
            CarKey.of(vehicleID: $0.frame.vehicleID, carNumber: $0.frame.carNumber)
        }) {
            #expect(try b.laps(carKey: car) == a.laps(carKey: car), "laps of car \(car)")
        }
        // Nothing failed or went to the dead letters; the outage (start and end) is on record as alerts.
        #expect(try b.calls(state: .failed) == [])
        #expect(try b.deadLetters() == [])
        let outageAlerts = try b.alertRecords(openOnly: false, carNumber: nil).filter {
            $0.alert.rule.hasPrefix("store_")
        }
        #expect(outageAlerts.map(\.alert.rule).sorted() == ["store_reachable", "store_unreachable"])
        #expect(outageAlerts.first { $0.alert.rule == "store_unreachable" }?.alert.severity == .critical)
    }

    @Test(
        "a host killed during an outage leaves its spool; the next host on that runtime directory stores it first",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func spoolOutlivesTheHost(kind: StoreKind) throws {
        let directory = try TestPaths.temporaryDirectory("outage-kill")
        let data = directory.appendingPathComponent("pg")
        let url = try StoreOutageTests.cluster("start", data)
        defer {
            _ = try? StoreOutageTests.cluster("stop", data)
            try? FileManager.default.removeItem(at: directory)
        }
        let runtime = directory.appendingPathComponent("run").path
        func start(_ arguments: [String], log name: String) throws -> (Process, () -> String) {
            let log = directory.appendingPathComponent(name)
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = try FileHandle(forWritingTo: log)
            let process = Process()
            process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
            process.arguments = arguments + ["--store", url, "--runtime-dir", runtime, "--log-level", "info"]
            process.standardError = output
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return (process, { (try? String(contentsOf: log, encoding: .utf8)) ?? "" })
        }

        // A replay whose store goes away before the race clock starts: everything it takes in is spooled.
        let (replay, replayLog) = try start(
            ["run", "--replay", TestPaths.excerpt.path, "--speed", "40"], log: "replay.log")
        #expect(Self.wait(seconds: 60) { replayLog().contains("host ready") })
        _ = try StoreOutageTests.cluster("stop", data)
        var spooled = 0
        #expect(
            Self.wait(seconds: 60) {
                let health = Self.ctlStatus(runtime)["store_health"] as? [String: Any]
                let replay = Self.ctlStatus(runtime)["replay"] as? [String: Any]
                spooled = (health?["spool"] as? [String: Any])?["records"] as? Int ?? 0
                // Past the telemetry (the first 16 s of the race) and a few laps.
                return spooled > 0 && (replay?["laps"] as? Int ?? 0) >= 5 && (replay?["samples"] as? Int ?? 0) > 0
            })
        kill(replay.processIdentifier, SIGKILL)
        replay.waitUntilExit()
        _ = try StoreOutageTests.cluster("start", data)
        let store = try openStore(.postgres(url: url))
        #expect(try store.count(.laps) == 0 && store.count(.carFrames) == 0)

        // A live host on the same runtime directory writes the spool before anything else, then finishes the
        // telemetry calls the killed host had accepted: their frames are stored.
        let (live, liveLog) = try start(["run"], log: "live.log")
        defer {
            live.terminate()
            live.waitUntilExit()
        }
        #expect(
            Self.wait(seconds: 60) { liveLog().contains("the store spool holds writes a previous run could not store") }
        )
        #expect(
            Self.wait(seconds: 60) {
                let unfinished = (try? store.unfinishedCalls().filter { $0.method == "telemetry.ProcessLive" }.count)
                return ((try? store.count(.carFrames)) ?? 0) > 0 && unfinished == 0
            })
        #expect(try store.count(.laps) >= 5)
        let health = Self.ctlStatus(runtime)["store_health"] as? [String: Any]
        #expect((health?["spool"] as? [String: Any])?["records"] as? Int == 0)
        #expect(try store.calls(state: .failed) == [])
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// `roadsense ctl status --json` against the host in `runtime` (empty if it does not answer).
    static func ctlStatus(_ runtime: String) -> [String: Any] {
        let data = Data(ctl(["status", "--json"], runtime).utf8)
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// What `roadsense ctl WORDS… --runtime-dir RUNTIME` prints.
    static func ctl(_ words: [String], _ runtime: String) -> String {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["ctl"] + words + ["--runtime-dir", runtime]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
