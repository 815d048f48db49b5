import Foundation
import RaceDomain
import RoadSenseStore

/// `roadsense bench store [--rows N] [--batch N] [--postgres URL] [--json] [--no-baselines]`: the store
/// benchmark on SQLite (a fresh file) and on PostgreSQL (a fresh schema on the server at --postgres, else
/// `$ROADSENSE_BENCH_PG`, else `$ROADSENSE_TEST_PG`; `make bench-store` starts a throwaway cluster), with the
/// sqlite3 CLI's `.import` and psql's `\copy` loading the same rows from CSV as same-run references.
struct BenchStoreCommand {
    var benchmark = StoreBenchmark(rows: 1_000_000, batch: 10_000)
    var postgres: String?
    var json = false
    var baselines = true

    static func parse(_ arguments: [String]) throws -> BenchStoreCommand {
        var command = BenchStoreCommand()
        let environment = ProcessInfo.processInfo.environment
        command.postgres = [environment["ROADSENSE_BENCH_PG"], environment["ROADSENSE_TEST_PG"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        var cursor = ArgumentCursor(arguments)
        while let argument = cursor.next() {
            switch argument {
            case "--rows": command.benchmark.rows = try cursor.integer(for: argument, in: 1000...100_000_000)
            case "--batch": command.benchmark.batch = try cursor.integer(for: argument, in: 1...1_000_000)
            case "--postgres": command.postgres = try cursor.value(for: argument)
            case "--json": command.json = true
            case "--no-baselines": command.baselines = false
            default: throw HostError(.usage, "unknown option '\(argument)' for bench store")
            }
        }
        return command
    }

    func execute() throws -> Int32 {
        let source = try BenchIngestCommand.defaultSource()
        let frames = try StoreBenchmark.makeFrames(from: source, rows: benchmark.rows)
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "roadsense-bench-store-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("frames.csv")
        if baselines { try StoreBenchmark.writeCSV(frames, to: csv) }

        var figures: [StoreBenchmark.Figures] = []
        var references: [String: Double] = [:]
        let sqlitePath = directory.appendingPathComponent("bench.sqlite").path
        figures.append(try benchmark.measure(try SQLiteRaceStore(path: sqlitePath), frames: frames, name: "sqlite"))
        if baselines {
            let peer = directory.appendingPathComponent("peer.sqlite").path
            _ = try SQLiteRaceStore(path: peer)
            let seconds = try StoreBenchmark.timeReference(
                "/usr/bin/sqlite3", [peer, ".import --csv \(csv.path) car_frames"])
            references["sqlite3_import_rows_per_s"] = Double(frames.count) / seconds
        }

        if let url = postgres {
            let schema = "rs_bench_\(getpid())"
            let ours = try PostgresSchemas.create(schema, on: url)
            defer { try? PostgresSchemas.drop(schema, on: url) }
            figures.append(try benchmark.measure(try PostgresRaceStore(url: ours), frames: frames, name: "postgres"))
            if baselines {
                let peerSchema = schema + "_peer"
                let peer = try PostgresSchemas.create(peerSchema, on: url)
                defer { try? PostgresSchemas.drop(peerSchema, on: url) }
                _ = try PostgresRaceStore(url: peer)
                let seconds = try StoreBenchmark.timeReference(
                    "/usr/bin/psql",
                    [peer, "-v", "ON_ERROR_STOP=1", "-qc", "\\copy car_frames FROM '\(csv.path)' CSV"])
                references["psql_copy_rows_per_s"] = Double(frames.count) / seconds
            }
        }
        let cars = Set(frames.map(\.vehicleID)).count
        print(try report(figures: figures, references: references, source: source, cars: cars))
        return 0
    }

    func report(figures: [StoreBenchmark.Figures], references: [String: Double], source: URL, cars: Int) throws
        -> String
    {
        var ratios: [String: Double] = [:]
        for figure in figures {
            let peer = references[figure.store == "sqlite" ? "sqlite3_import_rows_per_s" : "psql_copy_rows_per_s"]
            if let peer, peer > 0 { ratios["\(figure.store)_insert_vs_reference"] = figure.rowsPerSecond / peer }
        }
        if json {
            let document: [String: Any] = [
                "rows": benchmark.rows, "batch": benchmark.batch, "source": source.lastPathComponent, "cars": cars,
                "stores": try figures.map { try JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) },
                "references": references, "ratios": ratios,
                "postgres": postgres == nil ? "not measured: no --postgres URL" : "measured",
            ]
            let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
        var lines = [
            "store benchmark: \(benchmark.rows) telemetry frames (\(source.lastPathComponent) run by "
                + "\(cars) cars, in arrival order), batches of \(benchmark.batch)",
            "store        insert rows/s   seconds   client CPU s   waited for CPU s   read p50 µs   read p99 µs   rows/read",
        ]
        for f in figures {
            lines.append(
                f.store.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(
                        format: " %15.0f %9.2f %14.2f %18.2f %13.1f %13.1f %11.1f", f.rowsPerSecond, f.seconds,
                        f.clientCPUSeconds, f.clientCPUWaitSeconds ?? .nan, f.readP50Us, f.readP99Us,
                        f.rowsPerQuery))
            if f.store == "sqlite", let waited = f.clientCPUWaitSeconds, f.seconds > waited {
                lines.append(
                    String(
                        format: "sqlite      %15.0f rows/s without the wait for a CPU (other processes' load)",
                        Double(f.rows) / (f.seconds - waited)))
            }
        }
        if postgres == nil { lines.append("postgres: not measured (give --postgres URL, or run make bench-store)") }
        for (name, value) in references.sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "reference %@: %.0f", name, value))
        }
        for (name, value) in ratios.sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "%@: %.2f×", name, value))
        }
        return lines.joined(separator: "\n")
    }
}
