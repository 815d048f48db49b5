import Foundation
import RaceDomain

/// `roadsense bench ingest [--copies N] [--source FILE] [--json]`: builds the 1× and 10× inputs, measures
/// each in a fresh child process (`bench ingest-file FILE`) so peak memory is that size's alone.
struct BenchIngestCommand {
    /// The words after `bench ingest` (or `bench ingest-file`).
    let arguments: [String]
    /// True in the child process that measures one file.
    let child: Bool

    func execute() throws -> Int32 {
        var cursor = ArgumentCursor(arguments)
        if child {
            guard let file = cursor.next() else { throw HostError(.usage, "bench ingest-file FILE") }
            let figures = try IngestBenchmark.measure(file: URL(fileURLWithPath: file))
            let data = try JSONEncoder().encode(figures)
            print(String(decoding: data, as: UTF8.self))
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
        let input = try source.map { URL(fileURLWithPath: $0) } ?? Self.defaultSource()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "roadsense-ingest-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var results: [[String: Any]] = []
        for scale in [1, 10] {
            let file = directory.appendingPathComponent("telemetry-\(scale)x.csv")
            try IngestBenchmark.makeInput(from: input, copies: copies * scale, to: file)
            let child = try Self.runChild(file: file)
            results.append(["scale": scale].merging(child) { a, _ in a })
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

    static func runChild(file: URL) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Host.binDirectory() + "/roadsense")
        process.arguments = ["bench", "ingest-file", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw HostError(.badInput, "bench ingest-file \(file.path) failed (exit \(process.terminationStatus))") }
        return object
    }
}
