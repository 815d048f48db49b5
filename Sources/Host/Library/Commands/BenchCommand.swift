import Foundation

/// `roadsense bench dispatch [--calls N] [--workers W] [--credits C] [--sequential S] [--json]
/// [--no-baselines]`: the dispatch benchmark and, in the same run, its two references — a plain libzmq
/// ROUTER/DEALER (benchmarks/zmq-floor) and Celery 5 with Redis and acks_late (benchmarks/celery).
struct BenchCommand {
    var benchmark: DispatchBenchmark
    var json: Bool
    var baselines: Bool

    /// `bench dispatch …`, `bench ingest …` (and `bench ingest-file FILE` / `bench replay-file FILE [--in-memory]`, its
    /// per-size child processes), `bench store …`
    /// (and `bench store-writer …`, the concurrency tests' writer process).
    static func run(_ cursor: inout ArgumentCursor) throws -> Int32 {
        switch cursor.next() {
        case "dispatch": return try parse(&cursor).execute()
        case "ingest": return try BenchIngestCommand(arguments: cursor.rest(), mode: .parent).execute()
        case "ingest-file": return try BenchIngestCommand(arguments: cursor.rest(), mode: .ingestChild).execute()
        case "replay-file": return try BenchIngestCommand(arguments: cursor.rest(), mode: .replayChild).execute()
        case "restart": return try restart(&cursor)
        case "store": return try BenchStoreCommand.parse(cursor.rest()).execute()
        case "store-writer": return try StoreWriter.parse(cursor.rest()).execute()
        default:
            throw HostError(.usage, "bench needs a target: roadsense bench dispatch|ingest|restart|store [--json]")
        }
    }

    /// `bench restart [--crashes N] [--json]`.
    static func restart(_ cursor: inout ArgumentCursor) throws -> Int32 {
        var benchmark = RestartBenchmark(crashes: 100)
        var json = false
        while let argument = cursor.next() {
            switch argument {
            case "--crashes": benchmark.crashes = try cursor.integer(for: argument, in: 1...10_000)
            case "--json": json = true
            default: throw HostError(.usage, "unknown option '\(argument)' for bench restart")
            }
        }
        let figures = try benchmark.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(figures), as: UTF8.self))
        } else {
            print(
                String(
                    format: """
                        restart benchmark: %d crashes (SIGKILL) of one roadsense-bench replica
                        crash to replacement registered:  p50 %.1f ms  p99 %.1f ms  max %.1f ms  (target p50 ≤ 200 ms)
                        reference, spawn to exit of the same executable:  p50 %.1f ms  p99 %.1f ms
                        restart p50 ÷ spawn p50: %.2f×
                        """, figures.crashes, figures.p50Ms, figures.p99Ms, figures.maxMs, figures.spawnP50Ms,
                    figures.spawnP99Ms, figures.p50Ms / max(figures.spawnP50Ms, 0.001)))
        }
        return 0
    }

    static func parse(_ cursor: inout ArgumentCursor) throws -> BenchCommand {
        var benchmark = DispatchBenchmark(calls: 20_000, workers: 2, credits: 32, sequential: 1000)
        var json = false
        var baselines = true
        while let argument = cursor.next() {
            switch argument {
            case "--calls": benchmark.calls = try cursor.integer(for: argument, in: 1...100_000_000)
            case "--workers": benchmark.workers = try cursor.integer(for: argument, in: 1...64)
            case "--credits": benchmark.credits = try cursor.integer(for: argument, in: 1...1024)
            case "--sequential": benchmark.sequential = try cursor.integer(for: argument, in: 10...10_000_000)
            case "--json": json = true
            case "--no-baselines": baselines = false
            default: throw HostError(.usage, "unknown option '\(argument)' for bench dispatch")
            }
        }
        return BenchCommand(benchmark: benchmark, json: json, baselines: baselines)
    }

    func execute() throws -> Int32 {
        let (figures, rssQueued, rssIdle) = try benchmark.run()
        var references: [[String: Any]] = []
        if baselines {
            let root = try Self.repositoryRoot()
            let calls = String(min(benchmark.calls, 5000))
            let workers = String(benchmark.workers)
            for script in ["benchmarks/zmq-floor/run.sh", "benchmarks/celery/run.sh"] {
                references.append(
                    try Self.runBaseline(
                        root: root, script: script,
                        arguments: [
                            "--calls", calls, "--workers", workers,
                        ]))
            }
        }
        let report = Self.report(
            figures: figures, references: references, rssIdle: rssIdle, rssQueued: rssQueued,
            benchmark: benchmark)
        if json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Self.text(report))
        }
        return 0
    }

    static func report(
        figures: [DispatchBenchmark.Figures], references: [[String: Any]], rssIdle: Double, rssQueued: Double,
        benchmark: DispatchBenchmark
    ) -> [String: Any] {
        var report: [String: Any] = [
            "workers": benchmark.workers, "credits": benchmark.credits, "calls": benchmark.calls,
            "sequential_calls": benchmark.sequential, "rss_idle_mb": rssIdle, "rss_100k_queued_mb": rssQueued,
            "roadsense": figures.map {
                [
                    "mode": $0.mode, "throughput_per_s": $0.throughputPerSecond, "rtt_p50_us": $0.rttP50Us,
                    "rtt_p99_us": $0.rttP99Us, "submit_p50_us": $0.submitP50Us, "submit_p99_us": $0.submitP99Us,
                    "failed": $0.failed,
                ] as [String: Any]
            },
            "references": references,
        ]
        let celery = references.first { ($0["name"] as? String)?.hasPrefix("celery") == true }
        let floor = references.first { ($0["name"] as? String) == "libzmq-floor" }
        var ratios: [String: Double] = [:]
        for figure in figures {
            if let c = celery?["throughput_per_s"] as? Double, c > 0 {
                ratios["\(figure.mode)_throughput_vs_celery"] = figure.throughputPerSecond / c
            }
            if let f = floor?["rtt_p50_us"] as? Double, f > 0 {
                ratios["\(figure.mode)_rtt_p50_vs_libzmq_floor"] = figure.rttP50Us / f
            }
        }
        report["ratios"] = ratios
        return report
    }

    static func text(_ report: [String: Any]) -> String {
        var lines = [
            "dispatch benchmark: \(report["calls"]!) no-op calls, \(report["workers"]!) plugin processes × "
                + "\(report["credits"]!) credits, \(report["sequential_calls"]!) sequential calls for latency",
            "run".padding(toLength: 28, withPad: " ", startingAt: 0) + "       calls/s       p50 µs       p99 µs",
        ]
        func row(_ name: String, _ r: [String: Any]) {
            lines.append(
                name.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(
                        format: " %13.0f %12.1f %12.1f", r["throughput_per_s"] as? Double ?? 0,
                        r["rtt_p50_us"] as? Double ?? 0, r["rtt_p99_us"] as? Double ?? 0))
        }
        for r in report["roadsense"] as? [[String: Any]] ?? [] {
            row("roadsense \(r["mode"]!)", r)
            lines.append(
                "  from an in-process submit".padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(repeating: " ", count: 14)
                    + String(
                        format: " %12.1f %12.1f", r["submit_p50_us"] as? Double ?? 0,
                        r["submit_p99_us"] as? Double ?? 0))
        }
        for r in report["references"] as? [[String: Any]] ?? [] { row(r["name"] as? String ?? "?", r) }
        lines.append(
            String(
                format: "host RSS: %.1f MB idle, %.1f MB with 100,000 calls queued",
                report["rss_idle_mb"] as? Double ?? 0, report["rss_100k_queued_mb"] as? Double ?? 0))
        for (name, value) in (report["ratios"] as? [String: Double] ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "%@: %.2f×", name, value))
        }
        return lines.joined(separator: "\n")
    }

    /// The checkout holding `benchmarks/`: the current directory or one above the executable.
    static func repositoryRoot() throws -> URL {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var url = URL(fileURLWithPath: Host.binDirectory())
        for _ in 0..<6 {
            candidates.append(url)
            url = url.deletingLastPathComponent()
        }
        guard
            let root = candidates.first(where: {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("benchmarks/celery/run.sh").path)
            })
        else {
            throw HostError(.badInput, "cannot find benchmarks/ (run from the repository, or pass --no-baselines)")
        }
        return root
    }

    /// Runs a baseline script; its last stdout line is one JSON object.
    static func runBaseline(root: URL, script: String, arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent(script).path] + arguments
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard process.terminationStatus == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        else {
            throw HostError(.badInput, "baseline \(script) failed (exit \(process.terminationStatus)): \(last)")
        }
        return object
    }
}
