import Foundation
import RoadSenseProtocol

/// Starts every plugin replica as its own OS process and keeps it running, one plugin at a time (OTP-like,
/// per plugin): a crashed replica is restarted after its plugin's backoff; a plugin whose replicas crash
/// more than `maxRestarts` times within `restartWindowSeconds` is marked FAILED and left down until
/// `restart(plugin:)` (the host drains and stops its replicas still running). Replicas can be added, retired (drained, then stopped) and replaced (the successor
/// starts first) while the host runs. Every replica is started through `roadsense-launch`, which sets
/// PR_SET_PDEATHSIG(SIGKILL) before it execs the plugin, so no plugin — whatever its executable — outlives the
/// host.
/// Process exits are reported through a lock-protected list, drained by the host loop thread; everything
/// else runs on that thread.
final class PluginSupervisor: @unchecked Sendable {
    struct Replica {
        /// Unique per supervisor, never reused (a replacement gets a new one).
        let id: Int
        var plugin: PluginConfig
        var process: Process?
        /// Consecutive crashes, for the backoff (reset after a stable run).
        var crashes = 0
        /// Restarts of this replica slot over the host's life (for status).
        var restarts = 0
        var nextStartWallMs: Int64 = 0
        var startedWallMs: Int64 = 0
        var lastExit: String?
        /// Being taken out of service (scale down, replacement, restart): drained, then stopped, never restarted.
        var retiring = false
        /// Why it is retiring, for logs and status: "scale down", "recycled: 1000 calls", …
        var retireReason: String?
        /// For a replacement: the replica that must be serving before this one is drained.
        var successor: Int?
        /// SIGTERM was sent (drained, or its grace ran out).
        var stopSent = false
        var retireStartedWallMs: Int64 = 0
        /// Resident memory (MB) of the current process when its worker registered (ready), for recycling.
        var baselineMB: Double?
        /// Relays of the current process's stdout and stderr (kept alive as long as the process).
        var relays: [PluginOutputRelay] = []

        var pid: Int32? { process?.processIdentifier }
    }

    /// A plugin marked FAILED: too many crashes too quickly.
    struct Failure {
        let plugin: String
        let crashes: Int
        let windowSeconds: Int
        let lastExit: String
    }

    private let logger: Logger
    private let endpoint: String
    private let store: String
    private let logLevel: String
    private let binDirectory: String
    private let lock = NSLock()
    private var exited: [(Int, Int32, Bool)] = []
    private let wakeup: EventFD
    private(set) var replicas: [Replica] = []
    private(set) var plugins: [String: PluginConfig] = [:]
    /// Crash times per plugin within its restart window.
    private var crashTimes: [String: [Int64]] = [:]
    private(set) var failed: [String: Failure] = [:]
    /// Failures not yet announced by the host.
    private var newFailures: [Failure] = []
    private var nextID = 0
    private var stopping = false

    init(
        plugins: [PluginConfig], endpoint: String, store: String, logLevel: String, binDirectory: String,
        wakeup: EventFD, logger: Logger
    ) {
        self.logger = logger
        self.endpoint = endpoint
        self.store = store
        self.logLevel = logLevel
        self.binDirectory = binDirectory
        self.wakeup = wakeup
        for plugin in plugins {
            self.plugins[plugin.name] = plugin
            for _ in 0..<plugin.replicas { addReplica(plugin) }
        }
    }

    @discardableResult
    private func addReplica(_ plugin: PluginConfig) -> Int {
        nextID += 1
        replicas.append(Replica(id: nextID, plugin: plugin))
        return nextID
    }

    /// `roadsense-launch`, beside `roadsense`: every plugin process is started through it.
    var launcher: String { binDirectory + "/" + Self.launcherName }
    static let launcherName = "roadsense-launch"

    /// Checks every executable exists before anything starts, so a missing build fails at once.
    func verifyExecutables() throws {
        guard FileManager.default.isExecutableFile(atPath: launcher) else {
            throw HostError(
                .pluginMissing,
                "\(launcher) not found or not executable: the host starts every plugin through it (so none "
                    + "outlives the host); build it (swift build) or install it beside roadsense")
        }
        for plugin in Set(plugins.values.map(\.executable)) {
            let path = resolve(plugin)
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw HostError(
                    .pluginMissing,
                    "plugin executable \(path) not found or not executable; build it (swift build) or fix the "
                        + "plugin's `executable` in the configuration")
            }
        }
    }

    func resolve(_ executable: String) -> String {
        executable.contains("/") ? executable : binDirectory + "/" + executable
    }

    /// Starts replicas that are down, not retiring, of a plugin not FAILED, whose backoff has passed.
    func startDue(nowMs: Int64) {
        guard !stopping else { return }
        for index in replicas.indices {
            let replica = replicas[index]
            guard replica.process == nil, !replica.retiring, failed[replica.plugin.name] == nil,
                replica.nextStartWallMs <= nowMs
            else { continue }
            start(index, nowMs: nowMs)
        }
    }

    private func start(_ index: Int, nowMs: Int64) {
        let plugin = replicas[index].plugin
        let id = replicas[index].id
        let process = Process()
        // Through the launcher: it has the kernel SIGKILL the plugin when this host dies, then execs it (same
        // pid), so no plugin outlives the host, whatever executable it is.
        process.executableURL = URL(fileURLWithPath: launcher)
        process.arguments =
            [String(getpid()), resolve(plugin.executable)] + plugin.arguments + [
                "--connect", endpoint, "--credits", String(plugin.credits), "--log-level", logLevel,
            ]
        // The store URL goes in the environment, not on the command line: a PostgreSQL password in it would
        // be readable by every user of the machine in /proc/PID/cmdline (and `ps`), while /proc/PID/environ
        // is readable only by the plugin's own user.
        var environment = ProcessInfo.processInfo.environment.merging(plugin.environment) { $1 }
        environment["ROADSENSE_STORE"] = store
        process.environment = environment
        // The plugin's output goes through the host log, line by line, tagged with its name and pid.
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let relays = [
            PluginOutputRelay(pipe: stdout, plugin: plugin.name, stream: "stdout", logger: logger),
            PluginOutputRelay(pipe: stderr, plugin: plugin.name, stream: "stderr", logger: logger),
        ]
        process.terminationHandler = { [weak self] finished in
            self?.record(
                exit: id, status: finished.terminationStatus, signaled: finished.terminationReason == .uncaughtSignal)
        }
        do {
            try process.run()
            for relay in relays { relay.started(pid: process.processIdentifier) }
            replicas[index].process = process
            replicas[index].relays = relays
            replicas[index].startedWallMs = nowMs
            replicas[index].stopSent = false
            replicas[index].baselineMB = nil
            logger.info(
                "plugin started", ["plugin": plugin.name, "replica": id, "worker.pid": process.processIdentifier])
        } catch {
            replicas[index].lastExit = "could not start: \(error)"
            crashed(index, nowMs: nowMs)
            logger.error("plugin could not start; will retry", ["plugin": plugin.name, "error": error])
        }
    }

    private func record(exit id: Int, status: Int32, signaled: Bool) {
        lock.lock()
        exited.append((id, status, signaled))
        lock.unlock()
        wakeup.signal()
    }

    /// Handles exits reported since the last call; returns the pids that exited.
    func collectExits(nowMs: Int64) -> [Int32] {
        lock.lock()
        let batch = exited
        exited.removeAll()
        lock.unlock()
        var pids: [Int32] = []
        for (id, status, signaled) in batch {
            guard let index = replicas.firstIndex(where: { $0.id == id }), let process = replicas[index].process
            else { continue }
            let pid = process.processIdentifier
            pids.append(pid)
            replicas[index].process = nil
            replicas[index].relays = []
            replicas[index].lastExit =
                signaled ? "killed by signal \(status) (\(Self.signalName(status)))" : "exit status \(status)"
            let replica = replicas[index]
            if replica.retiring {
                logger.info(
                    "plugin replica stopped",
                    ["plugin": replica.plugin.name, "worker.pid": pid, "reason": replica.retireReason ?? "retired"])
                replicas.remove(at: index)
                continue
            }
            if stopping { continue }
            if replica.stopSent && failed[replica.plugin.name] != nil {
                // Stopped because its plugin FAILED: not a crash, and not restarted until `ctl restart`.
                logger.info(
                    "plugin replica stopped: its plugin is FAILED",
                    ["plugin": replica.plugin.name, "worker.pid": pid, "exit": replicas[index].lastExit ?? "?"])
                continue
            }
            crashed(index, nowMs: nowMs)
            if failed[replica.plugin.name] != nil { continue }
            logger.warning(
                "plugin exited; restarting after backoff",
                [
                    "plugin": replica.plugin.name, "worker.pid": pid, "exit": replicas[index].lastExit ?? "?",
                    "restart_in_ms": replicas[index].nextStartWallMs - nowMs,
                ])
        }
        return pids
    }

    /// Counts a crash against the plugin's restart intensity, then backs off or marks the plugin FAILED.
    private func crashed(_ index: Int, nowMs: Int64) {
        let plugin = replicas[index].plugin
        let window = Int64(plugin.restartWindowSeconds) * 1000
        // A replica that ran a whole window without crashing starts over at the base delay.
        if replicas[index].startedWallMs > 0 && nowMs - replicas[index].startedWallMs >= window {
            replicas[index].crashes = 0
        }
        var times = (crashTimes[plugin.name] ?? []).filter { nowMs - $0 < window }
        times.append(nowMs)
        crashTimes[plugin.name] = times
        if times.count > plugin.maxRestarts && failed[plugin.name] == nil {
            let failure = Failure(
                plugin: plugin.name, crashes: times.count, windowSeconds: plugin.restartWindowSeconds,
                lastExit: replicas[index].lastExit ?? "?")
            failed[plugin.name] = failure
            newFailures.append(failure)
            logger.error(
                "plugin FAILED: it crashed too often and will not be restarted; its other replicas finish the "
                    + "calls they hold and stop, and its calls wait in the queue. Fix the cause, then run: "
                    + "roadsense ctl restart \(plugin.name)",
                [
                    "plugin": plugin.name, "crashes": times.count, "window_s": plugin.restartWindowSeconds,
                    "last_exit": failure.lastExit,
                ])
            return
        }
        // The first crash (after a stable run) restarts at once; each further one in a row waits twice as long.
        let crashes = replicas[index].crashes
        let delay =
            crashes == 0
            ? 0 : min(Int64(plugin.restartBackoffMs) << Int64(min(crashes - 1, 20)), Int64(plugin.restartBackoffCapMs))
        replicas[index].crashes += 1
        replicas[index].restarts += 1
        replicas[index].nextStartWallMs = nowMs + delay
    }

    /// Plugins marked FAILED since the last call (the host publishes a CRITICAL alert for each).
    func takeFailures() -> [Failure] {
        defer { newFailures.removeAll() }
        return newFailures
    }

    // MARK: Runtime control

    /// A plugin added by `ctl reload`: its replicas start now.
    func add(plugin: PluginConfig, nowMs: Int64) {
        plugins[plugin.name] = plugin
        for _ in 0..<plugin.replicas { addReplica(plugin) }
        startDue(nowMs: nowMs)
    }

    /// Settings that apply without a restart (the retry policy): the plugin and its replicas take them now.
    func update(plugin: PluginConfig) {
        plugins[plugin.name] = plugin
        for index in replicas.indices where replicas[index].plugin.name == plugin.name {
            replicas[index].plugin = plugin
        }
    }

    /// Replicas that count towards a plugin's size (not retiring).
    func active(_ plugin: String) -> [Replica] { replicas.filter { $0.plugin.name == plugin && !$0.retiring } }

    /// Sets a plugin's number of replicas: new ones start now; surplus ones (the newest first) retire —
    /// drained by the host, then stopped.
    func scale(plugin name: String, to count: Int, nowMs: Int64) throws {
        guard var plugin = plugins[name] else { throw unknown(name) }
        plugin.replicas = count
        plugins[name] = plugin
        let current = active(name)
        if count > current.count {
            for _ in current.count..<count { addReplica(plugin) }
            startDue(nowMs: nowMs)
        } else {
            for replica in current.suffix(current.count - count) {
                retire(replica.id, reason: "scaled down to \(count)", nowMs: nowMs)
            }
        }
        logger.info("plugin scaled", ["plugin": name, "replicas": count, "was": current.count])
    }

    /// Rolling restart: clears FAILED, and replaces every replica (each successor starts first; the old one
    /// is drained once its successor serves). With a new configuration, the successors use it.
    func restart(plugin name: String, config: PluginConfig? = nil, nowMs: Int64) throws {
        guard var plugin = plugins[name] else { throw unknown(name) }
        if let config { plugin = config }
        plugins[name] = plugin
        let wasFailed = failed.removeValue(forKey: name) != nil
        crashTimes[name] = nil
        // Slots that were down (FAILED, or waiting out a backoff) take the new settings and start now; running
        // ones are replaced, each successor starting before its predecessor is drained.
        for index in replicas.indices where replicas[index].plugin.name == name && !replicas[index].retiring {
            replicas[index].crashes = 0
            replicas[index].nextStartWallMs = 0
            replicas[index].plugin = plugin
        }
        for replica in active(name) where replica.process != nil {
            replace(replica.id, reason: "restart requested", nowMs: nowMs)
        }
        if active(name).count != plugin.replicas { try scale(plugin: name, to: plugin.replicas, nowMs: nowMs) }
        startDue(nowMs: nowMs)
        logger.info("plugin restarting", ["plugin": name, "replicas": plugin.replicas, "was_failed": wasFailed])
    }

    /// Replaces one replica: a successor starts now; the old one is drained once the successor serves.
    func replace(_ id: Int, reason: String, nowMs: Int64) {
        guard let index = replicas.firstIndex(where: { $0.id == id }), !replicas[index].retiring else { return }
        guard replicas[index].process != nil else {
            // Nothing running to hand over from: the slot itself restarts.
            replicas[index].nextStartWallMs = 0
            return
        }
        let successor = addReplica(replicas[index].plugin)
        retire(id, reason: reason, nowMs: nowMs)
        if let old = replicas.firstIndex(where: { $0.id == id }) { replicas[old].successor = successor }
        startDue(nowMs: nowMs)
    }

    /// Takes a replica out of service: the host stops sending it calls, then `stop` once it holds none.
    func retire(_ id: Int, reason: String, nowMs: Int64) {
        guard let index = replicas.firstIndex(where: { $0.id == id }) else { return }
        if replicas[index].process == nil {
            replicas.remove(at: index)
            return
        }
        replicas[index].retiring = true
        replicas[index].retireReason = reason
        replicas[index].retireStartedWallMs = nowMs
        logger.info(
            "plugin replica retiring: no new calls; stopped once its calls are done",
            ["plugin": replicas[index].plugin.name, "worker.pid": replicas[index].pid ?? 0, "reason": reason])
    }

    /// Sends SIGTERM to a retiring replica (it says Goodbye and exits; the exit removes it).
    func stop(_ id: Int) {
        guard let index = replicas.firstIndex(where: { $0.id == id }), let process = replicas[index].process,
            !replicas[index].stopSent
        else { return }
        replicas[index].stopSent = true
        process.terminate()
    }

    /// Records a replica's resident memory at ready (the base of its recycling rule).
    func setBaseline(_ id: Int, megabytes: Double) {
        guard let index = replicas.firstIndex(where: { $0.id == id }) else { return }
        replicas[index].baselineMB = megabytes
    }

    func replica(pid: Int32) -> Replica? { replicas.first { $0.pid == pid } }
    func replica(id: Int) -> Replica? { replicas.first { $0.id == id } }

    private func unknown(_ name: String) -> HostError {
        HostError(
            .usage, "no plugin named '\(name)'; this host runs: \(plugins.keys.sorted().joined(separator: ", "))")
    }

    /// Whether `pid` is a plugin process this supervisor started and still runs.
    func owns(pid: Int32) -> Bool { replicas.contains { $0.pid == pid } }

    var restarts: Int { replicas.reduce(0) { $0 + $1.restarts } }

    /// Asks every plugin to stop (SIGTERM), waits up to `graceMs`, then kills what is left.
    func stopAll(graceMs: Int) {
        stopping = true
        let running = replicas.compactMap(\.process).filter(\.isRunning)
        for process in running { process.terminate() }
        let deadline = Date().addingTimeInterval(Double(graceMs) / 1000)
        while running.contains(where: \.isRunning) && Date() < deadline { usleep(10_000) }
        for process in running where process.isRunning {
            logger.warning("plugin did not stop in time; killing it", ["worker.pid": process.processIdentifier])
            kill(process.processIdentifier, SIGKILL)
        }
    }

    static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGILL: "SIGILL (a Swift runtime trap)"
        case SIGTRAP: "SIGTRAP (a Swift runtime trap)"
        case SIGBUS: "SIGBUS"
        case SIGINT: "SIGINT"
        default: "signal \(number)"
        }
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
