import Foundation
import RoadSenseProtocol

/// Starts every plugin replica as its own OS process and restarts one that exits, with exponential
/// backoff (0.5 s doubling to 30 s). Plugins set PR_SET_PDEATHSIG, so none outlives the host.
/// Process exits are reported through `exits`, drained by the host loop thread.
final class PluginSupervisor: @unchecked Sendable {
    struct Replica {
        let plugin: PluginConfig
        let index: Int
        var process: Process?
        var restarts = 0
        var nextStartWallMs: Int64 = 0
        var lastExit: String?
        /// Relays of the current process's stdout and stderr (kept alive as long as the process).
        var relays: [PluginOutputRelay] = []
    }

    private let logger: Logger
    private let endpoint: String
    private let store: String
    private let logLevel: String
    private let binDirectory: String
    private let lock = NSLock()
    private var exited: [(Int, Int32)] = []
    private let wakeup: EventFD
    private(set) var replicas: [Replica] = []
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
            for index in 0..<plugin.replicas { replicas.append(Replica(plugin: plugin, index: index)) }
        }
    }

    /// Checks every executable exists before anything starts, so a missing build fails at once.
    func verifyExecutables() throws {
        for plugin in Set(replicas.map(\.plugin.executable)) {
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

    /// Starts replicas that are down and whose backoff has passed.
    func startDue(nowMs: Int64) {
        guard !stopping else { return }
        for index in replicas.indices where replicas[index].process == nil && replicas[index].nextStartWallMs <= nowMs {
            start(index)
        }
    }

    private func start(_ index: Int) {
        let plugin = replicas[index].plugin
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolve(plugin.executable))
        process.arguments =
            plugin.arguments + [
                "--connect", endpoint, "--store", store, "--credits", String(plugin.credits), "--log-level", logLevel,
            ]
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
            self?.record(exit: index, status: finished.terminationStatus)
        }
        do {
            try process.run()
            for relay in relays { relay.started(pid: process.processIdentifier) }
            replicas[index].process = process
            replicas[index].relays = relays
            logger.info(
                "plugin started",
                ["plugin": plugin.name, "replica": index, "worker.pid": process.processIdentifier])
        } catch {
            replicas[index].lastExit = "could not start: \(error)"
            schedule(restartOf: index, nowMs: Self.nowMs())
            logger.error("plugin could not start; will retry", ["plugin": plugin.name, "error": error])
        }
    }

    private func record(exit index: Int, status: Int32) {
        lock.lock()
        exited.append((index, status))
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
        for (index, status) in batch {
            guard let process = replicas[index].process else { continue }
            pids.append(process.processIdentifier)
            replicas[index].process = nil
            replicas[index].lastExit = "exit status \(status)"
            if stopping { continue }
            schedule(restartOf: index, nowMs: nowMs)
            logger.warning(
                "plugin exited; restarting after backoff",
                [
                    "plugin": replicas[index].plugin.name, "worker.pid": process.processIdentifier,
                    "status": status, "restart_in_ms": replicas[index].nextStartWallMs - nowMs,
                ])
        }
        return pids
    }

    private func schedule(restartOf index: Int, nowMs: Int64) {
        let delay = min(500 * (Int64(1) << min(replicas[index].restarts, 6)), 30_000)
        replicas[index].restarts += 1
        replicas[index].nextStartWallMs = nowMs + delay
    }

    /// Whether `pid` is a plugin process this supervisor started and still runs.
    func owns(pid: Int32) -> Bool { replicas.contains { $0.process?.processIdentifier == pid } }

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

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
