import Foundation
import RoadSenseProtocol

/// `roadsense bench dispatch`: no-op calls through a real host (in this process, on its own thread) to N
/// `roadsense-bench` plugin processes over ipc — throughput and round-trip percentiles, transient and
/// durable — plus the host's resident memory with 100,000 calls queued.
struct DispatchBenchmark {
    struct Figures: Codable {
        var mode: String
        var calls: Int
        var throughputPerSecond: Double
        /// The host's round trip: a call sent on the ROUTER to its reply handled (and, durable, stored) — the
        /// segment the libzmq floor measures.
        var rttP50Us: Double
        var rttP99Us: Double
        /// An in-process submitter's view: `submit` on another thread to its finish notice (two more thread
        /// hand-offs than the host's round trip).
        var submitP50Us: Double
        var submitP99Us: Double
        var failed: Int
    }

    var calls: Int
    var workers: Int
    var credits: Int
    var sequential: Int

    func run() throws -> (figures: [Figures], rssQueuedMB: Double, rssIdleMB: Double) {
        var figures: [Figures] = []
        for durable in [false, true] {
            figures.append(try measure(durable: durable))
        }
        let (idle, queued) = try queuedMemory(calls: 100_000)
        return (figures, queued, idle)
    }

    /// Starts a host with `replicas` bench plugins in a private directory, runs `body`, stops the host.
    private func withHost<T>(replicas: Int, _ body: (Host, CompletionTracker) throws -> T) throws -> T {
        let directory = NSTemporaryDirectory() + "roadsense-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var config = HostConfiguration.defaults()
        config.useRuntimeDirectory(directory + "/run")
        config.store = "sqlite:\(directory)/store.sqlite"
        config.schedule = []
        config.logLevel = "warning"
        config.plugins = [
            PluginConfig(
                name: "bench", executable: "roadsense-bench", methods: ["bench.Noop", "bench.Sleep"],
                replicas: replicas, credits: credits)
        ]
        let host = try Host(
            config: config, replay: nil, logger: Logger(component: "bench.host", minimum: .warning),
            output: HostOutput(showProgress: false))
        let tracker = CompletionTracker()
        host.onCallFinished = { id, state in tracker.callFinished(id, state) }
        host.onRoundTrip = { nanoseconds in tracker.roundTrip(nanoseconds) }
        host.onSubmittedQueued = { queued in tracker.queued(queued) }
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
            try? FileManager.default.removeItem(atPath: directory)
        }
        return try body(host, tracker)
    }

    private func measure(durable: Bool) throws -> Figures {
        try withHost(replicas: workers) { host, tracker in
            let noop = BenchRequest().encoded()
            // Warm up: every worker registered and busy once.
            for _ in 0..<(workers * credits * 20) { host.submit(method: "bench.Noop", payload: noop, durable: durable) }
            guard tracker.wait(untilTotal: workers * credits * 20, timeout: 30) else {
                throw HostError(.socket, "bench: plugins did not answer the warm-up calls within 30 s")
            }

            // Throughput: every call submitted at once, timed until the last one finishes.
            var base = tracker.total
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { host.submit(method: "bench.Noop", payload: noop, durable: durable) }
            guard tracker.wait(untilTotal: base + calls, timeout: 300) else {
                throw HostError(.socket, "bench: \(calls) calls did not finish within 300 s")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

            // Round trip: one call at a time, from submit to its result being handled by the host.
            base = tracker.total
            tracker.recordRoundTrips = true
            var samples: [Double] = []
            for index in 1...sequential {
                let begin = DispatchTime.now().uptimeNanoseconds
                let id = host.submit(method: "bench.Noop", payload: noop, durable: durable)
                guard tracker.wait(untilTotal: base + index, timeout: 10) else {
                    throw HostError(.socket, "bench: call \(id) did not finish within 10 s")
                }
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1000)
            }
            tracker.recordRoundTrips = false
            samples.sort()
            let host = tracker.roundTripsUs.sorted()
            guard !host.isEmpty else { throw HostError(.socket, "bench: the host reported no round trips") }
            return Figures(
                mode: durable ? "durable" : "transient", calls: calls, throughputPerSecond: Double(calls) / seconds,
                rttP50Us: Self.percentile(host, 50), rttP99Us: Self.percentile(host, 99),
                submitP50Us: Self.percentile(samples, 50), submitP99Us: Self.percentile(samples, 99),
                failed: tracker.failed)
        }
    }

    /// Resident memory of this process before and after 100,000 durable calls are queued with no worker.
    private func queuedMemory(calls: Int) throws -> (idle: Double, queued: Double) {
        try withHost(replicas: 0) { host, tracker in
            usleep(200_000)
            let idle = Self.residentMB()
            let noop = BenchRequest().encoded()
            for _ in 0..<calls { host.submit(method: "bench.Noop", payload: noop, durable: true) }
            // The host says when it has stored and queued them all (no store connection of the benchmark's own
            // in this process: its page cache would count as the host's memory).
            guard tracker.wait(untilQueued: calls, timeout: 120) else {
                throw HostError(.socket, "bench: the host did not queue \(calls) calls within 120 s")
            }
            return (idle, Self.residentMB())
        }
    }

    /// Nearest-rank percentile of sorted values (as the libzmq floor reports its own).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func residentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}
