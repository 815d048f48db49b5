import Foundation
import RoadSenseProtocol

/// `roadsense bench restart`: a real host (in this process) with one `roadsense-bench` replica; the
/// replica is killed with SIGKILL `crashes` times, and each time the benchmark times the kill to the
/// replacement's registration (its Hello handled by the host: ready for calls). The restart policy is set
/// to a 10 ms backoff and no intensity limit, so the figure is the supervisor's own cost — exit noticed,
/// process spawned, runtime started, connected, registered. The reference, in the same run: the same
/// executable spawned and run until it exits on a bad option (how fast this machine starts that process).
struct RestartBenchmark {
    struct Figures: Codable {
        var crashes: Int
        var p50Ms: Double
        var p99Ms: Double
        var maxMs: Double
        var spawnP50Ms: Double
        var spawnP99Ms: Double
    }

    var crashes: Int

    func run() throws -> Figures {
        let samples = try measureRestarts()
        let spawn = try measureSpawns(count: min(crashes, 50))
        return Figures(
            crashes: crashes, p50Ms: DispatchBenchmark.percentile(samples, 50),
            p99Ms: DispatchBenchmark.percentile(samples, 99), maxMs: samples.last ?? 0,
            spawnP50Ms: DispatchBenchmark.percentile(spawn, 50), spawnP99Ms: DispatchBenchmark.percentile(spawn, 99))
    }

    /// Registrations seen by the host thread, for the benchmark thread to wait on.
    final class Registrations: @unchecked Sendable {
        private let condition = NSCondition()
        private var pids: [UInt32] = []

        func registered(_ pid: UInt32) {
            condition.lock()
            pids.append(pid)
            condition.broadcast()
            condition.unlock()
        }

        /// Waits for a registration of a pid other than `old`; returns it, or nil after `timeout` seconds.
        func next(after old: UInt32?, timeout: Double) -> UInt32? {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let pid = pids.last, pid != old { return pid }
                if !condition.wait(until: deadline) { return nil }
            }
        }
    }

    private func measureRestarts() throws -> [Double] {
        let directory = NSTemporaryDirectory() + "roadsense-bench-restart-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = HostConfiguration.defaults()
        config.useRuntimeDirectory(directory + "/run")
        config.store = "sqlite:\(directory)/store.sqlite"
        config.schedule = []
        config.logLevel = "error"
        var plugin = PluginConfig(name: "bench", executable: "roadsense-bench", methods: ["bench.Noop"])
        plugin.restartBackoffMs = 10
        plugin.restartBackoffCapMs = 10
        plugin.maxRestarts = 10_000
        plugin.restartWindowSeconds = 1
        config.plugins = [plugin]
        let host = try Host(
            config: config, replay: nil, logger: Logger(component: "bench.host", minimum: .error),
            output: HostOutput(showProgress: false))
        let registrations = Registrations()
        host.onWorkerRegistered = { registrations.registered($0) }
        let stopped = DispatchSemaphore(value: 0)
        let thread = Thread {
            do { _ = try host.run() } catch { Console.error("bench host: \(error)\n") }
            stopped.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer {
            host.requestStop()
            stopped.wait()
        }
        guard var current = registrations.next(after: nil, timeout: 30) else {
            throw HostError(.socket, "bench restart: the bench plugin did not register within 30 s")
        }
        var samples: [Double] = []
        for index in 0..<crashes {
            // Let the fresh process settle (its runtime threads up) before the next crash.
            usleep(50_000)
            let start = DispatchTime.now().uptimeNanoseconds
            kill(Int32(current), SIGKILL)
            guard let next = registrations.next(after: current, timeout: 30) else {
                throw HostError(
                    .socket, "bench restart: no replacement registered within 30 s after crash \(index + 1)")
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            current = next
        }
        return samples.sorted()
    }

    /// Spawn-to-exit times of the plugin executable given a bad option (it exits 2 at once).
    private func measureSpawns(count: Int) throws -> [Double] {
        var samples: [Double] = []
        for _ in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Host.binDirectory() + "/roadsense-bench")
            process.arguments = ["--no-such-option"]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            let start = DispatchTime.now().uptimeNanoseconds
            try process.run()
            process.waitUntilExit()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return samples.sorted()
    }
}
