import Foundation
import RaceDomain

/// `roadsense bench ingest [--copies N] [--source FILE] [--json]`: builds the 1× and 10× inputs, measures
/// each in a fresh child process (`bench ingest-file FILE`) so peak memory is that size's alone, then runs
/// the Python peer (`benchmarks/ingest-python/peer.py`, when `python3` and the script are there) on the same
/// file and prints the ratio of CPU rows/s. Then, per size, the replay feed's sort: the same copies written
/// latest first (a file that runs backwards throughout), sorted by `TelemetrySorter` in one child
/// (`bench replay-file FILE`) and, as the peer, all in one array sorted at once in another
/// (`bench replay-file FILE --in-memory`, how the feed worked before), each child's peak RSS.
struct BenchIngestCommand {
    enum Mode {
        case parent
        /// The child that reads and pivots one file.
        case ingestChild
        /// The child that sorts one file as the replay feed does.
        case replayChild
    }

    /// The words after `bench ingest` (or `bench ingest-file` / `bench replay-file`).
    let arguments: [String]
    let mode: Mode

    func execute() throws -> Int32 {
        var cursor = ArgumentCursor(arguments)
        switch mode {
        case .parent: break
        case .ingestChild:
            guard let file = cursor.next() else { throw HostError(.usage, "bench ingest-file FILE") }
            let figures = try IngestBenchmark.measure(file: URL(fileURLWithPath: file))
            print(String(decoding: try JSONEncoder().encode(figures), as: UTF8.self))
            return 0
        case .replayChild:
            guard let file = cursor.next() else { throw HostError(.usage, "bench replay-file FILE [--in-memory]") }
            let inMemory = cursor.next() == "--in-memory"
            let figures = try IngestBenchmark.measureReplay(file: URL(fileURLWithPath: file), inMemory: inMemory)
            print(String(decoding: try JSONEncoder().encode(figures), as: UTF8.self))
            return 0
        }

        var copies = 100
        var json = false
        var source: String?
        while let argument = cursor.next() {
            switch argument {
            case "--copies": copies = try cursor.integer(for: argument, in: 1...10_000)
            case "--source": source = try cursor.value(for: argument)
            case "--json": json = true
            default: throw HostError(.usage, "unknown option '\(argument)' for bench ingest")
            }
        }
        if let source {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isReadableFile(atPath: source)
            else {
                throw HostError(
                    .badInput,
                    "bench ingest --source \(source): "
                        + (isDirectory.boolValue ? "is a directory" : "no such file, or not readable")
                        + "; give a long-format TRD telemetry CSV (e.g. R1_barber_telemetry_data_sample.csv)")
            }
        }
        let input = try source.map { URL(fileURLWithPath: $0) } ?? Self.defaultSource()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "roadsense-ingest-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var results: [[String: Any]] = []
        for scale in [1, 10] {
            let file = directory.appendingPathComponent("telemetry-\(scale)x.csv")
            try IngestBenchmark.makeInput(from: input, copies: copies * scale, to: file)
            var result = try Self.runChild(["ingest-file", file.path]).merging(["scale": scale]) { _, new in new }
            if let peer = Self.runPeer(file: file) {
                result["peer"] = peer
            }
            try? FileManager.default.removeItem(at: file)
            let backward = directory.appendingPathComponent("telemetry-\(scale)x-backward.csv")
            try IngestBenchmark.makeInput(from: input, copies: copies * scale, to: backward, layout: .backward)
            result["replay"] = try Self.runChild(["replay-file", backward.path])
            result["replayInMemory"] = try Self.runChild(["replay-file", backward.path, "--in-memory"])
            try? FileManager.default.removeItem(at: backward)
            results.append(result)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("ingest benchmark: \(input.lastPathComponent) × \(copies) (1×) and × \(copies * 10) (10×)")
            for r in results {
                print(
                    String(
                        format: "%3d×  %10d rows  %7.1f MB  %6.2f s  %10.0f rows/s  peak RSS %6.1f MB  %d bad rows",
                        r["scale"] as? Int ?? 0, r["rows"] as? Int ?? 0, Double(r["bytes"] as? Int ?? 0) / 1e6,
                        r["seconds"] as? Double ?? 0, r["rowsPerSecond"] as? Double ?? 0,
                        r["peakRSSMB"] as? Double ?? 0,
                        r["badRows"] as? Int ?? 0))
                print(
                    String(
                        format: "      CPU %6.2f s  %10.0f rows/CPU-s", r["cpuSeconds"] as? Double ?? 0,
                        r["rowsPerCPUSecond"] as? Double ?? 0))
                if let peer = r["peer"] as? [String: Any], let peerCPU = peer["cpuSeconds"] as? Double,
                    let peerRows = peer["rows"] as? Int, let ours = r["rowsPerCPUSecond"] as? Double
                {
                    let peerRate = Double(peerRows) / peerCPU
                    print(
                        String(
                            format: "      peer (Python csv, same checks, no frames): %d rows, %6.2f s CPU, "
                                + "%8.0f rows/CPU-s; RoadSense %.1f× the peer",
                            peerRows, peerCPU, peerRate, ours / peerRate))
                } else {
                    print("      peer: not run (python3 or benchmarks/ingest-python/peer.py missing)")
                }
                for key in ["replay", "replayInMemory"] {
                    guard let replay = r[key] as? [String: Any] else { continue }
                    print(
                        String(
                            format: "      replay sort (%@, file backwards): %d rows, %6.2f s CPU, peak RSS %6.1f MB, "
                                + "%d samples held at most, %d runs spilled, %d merge passes, %d out of order",
                            replay["mode"] as? String ?? "", replay["rows"] as? Int ?? 0,
                            replay["cpuSeconds"] as? Double ?? 0, replay["peakRSSMB"] as? Double ?? 0,
                            replay["peakBufferedSamples"] as? Int ?? 0, replay["runsSpilled"] as? Int ?? 0,
                            replay["mergePasses"] as? Int ?? 0, replay["outOfOrder"] as? Int ?? 0))
                }
            }
        }
        return 0
    }

    /// The real Barber telemetry head from ../shared, else the committed excerpt.
    static func defaultSource() throws -> URL {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for path in [
            "../shared/data/trd/barber/R1_barber_telemetry_data_sample.csv",
            "Tests/Fixtures/barber-r1-excerpt/R1_barber_telemetry_data_sample.csv",
        ] where FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
            return root.appendingPathComponent(path)
        }
        throw HostError(.badInput, "no telemetry file to repeat: run from the repository or pass --source FILE")
    }

    /// The Python peer's JSON line for `file`, or nil when python3 or the script is missing or it fails.
    static func runPeer(file: URL) -> [String: Any]? {
        let script = FileManager.default.currentDirectoryPath + "/benchmarks/ingest-python/peer.py"
        guard FileManager.default.fileExists(atPath: script) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// Runs `roadsense bench WORDS…` and parses the JSON object it prints.
    static func runChild(_ words: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Host.binDirectory() + "/roadsense")
        process.arguments = ["bench"] + words
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw HostError(
                .badInput, "bench \(words.joined(separator: " ")) failed (exit \(process.terminationStatus))")
        }
        return object
    }
}
