import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// A real `roadsense run` host with `roadsense-bench` plugins, its own runtime directory and store, for
/// tests of the task protocol. Calls are submitted straight into the durable queue, as `roadsense submit`
/// does; outcomes are read back from the store.
final class HostHarness {
    let directory: URL
    let runtime: String
    let storePath: String
    /// The store the host runs on: `sqlite:storePath`, unless a PostgreSQL location was given.
    let storeLocation: StoreLocation
    let configPath: String
    private(set) var host: Process?
    private var logs: [URL] = []
    /// Set when the host did not stop on SIGTERM and had to be killed (a test can assert it stayed false).
    private(set) var stuckOnStop = false

    /// `residentQueuedCalls`: how many queued calls the host keeps whole in memory before it keeps only
    /// their ids and reads them back from the store (a small value puts that path under test). `storePath`
    /// shares another harness's store (two hosts on one store); `schedule` items replace the built-in
    /// schedule, which is off by default.
    init(
        replicas: Int, heartbeatMs: Int = 500, liveness: Int = 3, hardLimitGraceMs: Int = 1000,
        residentQueuedCalls: Int = 10_000, storePath: String? = nil, store location: StoreLocation? = nil,
        schedule: [[String: Any]] = [], plugins: [[String: Any]]? = nil, settings: [String: Any] = [:]
    ) throws {
        directory = try TestPaths.temporaryDirectory("harness")
        runtime = directory.appendingPathComponent("run").path
        self.storePath = storePath ?? directory.appendingPathComponent("store.sqlite").path
        storeLocation = location ?? .sqlite(path: self.storePath)
        configPath = directory.appendingPathComponent("config.json").path
        var config: [String: Any] = [
            "builtInSchedule": false, "schedule": schedule, "heartbeatIntervalMs": heartbeatMs,
            "liveness": liveness, "hardLimitGraceMs": hardLimitGraceMs, "residentQueuedCalls": residentQueuedCalls,
            "plugins": [
                [
                    "name": "bench", "executable": "roadsense-bench", "replicas": replicas, "credits": 1,
                    "methods": ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"],
                ]
            ],
        ]
        if let plugins { config["plugins"] = plugins }
        config.merge(settings) { $1 }
        self.config = config
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
    }

    /// The configuration file's content, as last written.
    private(set) var config: [String: Any]

    /// Changes the configuration file (for `ctl reload`).
    func rewriteConfig(_ change: (inout [String: Any]) -> Void) throws {
        change(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
    }

    /// Starts (or restarts) the host process; `extra` are more `roadsense run` options (e.g. `--watch`).
    func start(_ extra: [String] = []) throws {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments =
            [
                "run", "--config", configPath, "--store", storeLocation.url, "--runtime-dir", runtime,
                "--log-level", "info",
            ] + extra
        let log = directory.appendingPathComponent("host-\(logs.count).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        logs.append(log)
        host = process
        // Return once the host is up (its sockets bound, its signal handling in place).
        let ready = Date().addingTimeInterval(30)
        while !self.log.contains("host ready") && process.isRunning && Date() < ready { usleep(10_000) }
    }

    /// Stops the host: SIGTERM (graceful) or SIGKILL.
    func stop(kill hard: Bool = false) {
        guard let host, host.isRunning else { return }
        if hard { kill(host.processIdentifier, SIGKILL) } else { host.terminate() }
        // A host that ignores SIGTERM for 15 s is killed, so a bug there fails a test instead of hanging CI.
        let deadline = Date().addingTimeInterval(15)
        while host.isRunning && Date() < deadline { usleep(10_000) }
        if host.isRunning {
            stuckOnStop = true
            kill(host.processIdentifier, SIGKILL)
        }
        host.waitUntilExit()
    }

    var log: String {
        logs.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }

    /// The log of the host started last.
    var lastLog: String { logs.last.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? "" }

    /// How many lines of `text` contain every one of `parts`.
    static func lines(in text: String, containing parts: String...) -> [Substring] {
        text.split(separator: "\n").filter { line in parts.allSatisfy { line.contains($0) } }
    }

    /// Whether the host started last logged the registration of a worker with process id `pid`.
    func registered(pid: Int32) -> Bool {
        !Self.lines(in: lastLog, containing: "worker registered", "worker.pid=\(pid) ").isEmpty
    }

    /// The host's plugin endpoint (ipc, in the runtime directory).
    var pluginEndpoint: String { "ipc://\(runtime)/plugins.ipc" }

    /// Starts `roadsense-bench` by hand, connecting on its own as a worker on another machine would (the
    /// host does not supervise it); its log goes to `NAME.log` in the harness directory.
    func startWorker(_ name: String, credits: Int = 1, arguments: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense-bench")
        process.arguments =
            ["--connect", pluginEndpoint, "--store", storeLocation.url, "--credits", String(credits)] + arguments
        let log = workerLog(name)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func workerLog(_ name: String) -> URL { directory.appendingPathComponent("\(name).log") }

    /// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// Sends `signal` to the host process.
    func sendSignal(_ number: Int32) {
        guard let host, host.isRunning else { return }
        kill(host.processIdentifier, number)
    }

    /// Waits (up to `seconds`) for the host process to exit; returns whether it did.
    func waitForExit(seconds: Double) -> Bool {
        guard let host else { return true }
        let deadline = Date().addingTimeInterval(seconds)
        while host.isRunning && Date() < deadline { usleep(10_000) }
        return !host.isRunning
    }

    func store() throws -> SQLiteRaceStore { try SQLiteRaceStore(path: storePath) }

    /// A handle on the host's store, whichever kind it is.
    func anyStore() throws -> RaceStore { try openStore(storeLocation) }

    /// Waits (up to `seconds`) until `condition` holds on the host's store, whichever kind; returns whether it did.
    func waitOnStore(seconds: Double, until condition: (RaceStore) throws -> Bool) throws -> Bool {
        let store = try anyStore()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition(store) { return true }
            usleep(20_000)
        }
        return try condition(store)
    }

    /// Accepts `count` calls into the durable queue (unowned: the host claims them) and returns their ids.
    @discardableResult
    func submit(
        _ method: String, _ request: BenchRequest, count: Int = 1, priority: Priority = .medium,
        timeoutMs: Int64 = 10_000, attempts: Int = 3
    ) throws -> [String] {
        let store = try store()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try (0..<count).map { index in
            // A UUID, as `roadsense submit` makes (so a long queue can hold it as a compact reference).
            let id = UUID().uuidString.lowercased()
            try store.recordCall(
                CallRecord(
                    callID: id, method: method, priority: priority.rawValue, attempt: 1, state: .queued,
                    enqueuedMs: now + Int64(index), entry: CallRecord.submitEntry, payload: request.encoded(),
                    maxAttempts: attempts, timeoutMs: timeoutMs))
            return id
        }
    }

    /// Accepts one call with a raw request payload into the durable queue of the host's store; returns its id.
    @discardableResult
    func submit(_ method: String, payload: [UInt8], attempts: Int = 3, timeoutMs: Int64 = 10_000) throws -> String {
        let id = UUID().uuidString.lowercased()
        try anyStore().recordCall(
            CallRecord(
                callID: id, method: method, priority: Priority.medium.rawValue, attempt: 1, state: .queued,
                enqueuedMs: Int64(Date().timeIntervalSince1970 * 1000), entry: CallRecord.submitEntry,
                payload: payload, maxAttempts: attempts, timeoutMs: timeoutMs))
        return id
    }

    /// Waits (up to `seconds`) until `condition` holds on the store; returns whether it did.
    func wait(seconds: Double, until condition: (SQLiteRaceStore) throws -> Bool) throws -> Bool {
        let store = try store()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition(store) { return true }
            usleep(20_000)
        }
        return try condition(store)
    }

    /// Runs `roadsense ctl WORDS… --runtime-dir` against this host; returns its exit status and stdout.
    @discardableResult
    func ctl(_ words: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["ctl"] + words + ["--runtime-dir", runtime]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `ctl status --json`, parsed.
    func status() throws -> [String: Any] {
        let answer = try ctl(["status", "--json"])
        return (try? JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any]) ?? [:]
    }

    /// The pids of this host's bench plugin processes, from /proc.
    func pluginPIDs() -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return command.contains("roadsense-bench") && command.contains(runtime) ? pid : nil
        }.sorted()
    }

    deinit {
        stop(kill: true)
        for pid in pluginPIDs() { kill(pid, SIGKILL) }
    }
}
