import Foundation
import RaceDomain
import RoadSenseStore

/// `roadsense bench store`: telemetry frames inserted per second through `RaceStore.upsertFrames` (SQLite:
/// one transaction per batch; PostgreSQL: one binary COPY per batch) and the latency of reading one car's
/// minute back, on both stores in one run. The frames are the real Barber telemetry head, pivoted as the
/// telemetry plugin does, repeated with shifted times until there are `rows` of them.
struct StoreBenchmark {
    struct Figures: Codable {
        var store: String
        var rows: Int
        var seconds: Double
        var rowsPerSecond: Double
        var queries: Int
        var rowsPerQuery: Double
        var readP50Us: Double
        var readP99Us: Double
    }

    var rows: Int
    var batch: Int
    var queries = 300

    /// `rows` frames: the source's frames again and again, each copy shifted past the previous one.
    static func makeFrames(from source: URL, rows: Int) throws -> [CarFrame] {
        var pivot = TelemetryPivot()
        let base = pivot.fold(try TelemetryReader(url: source, ledger: RowIssueLedger()).readAll())
        guard !base.isEmpty else { throw HostError(.badInput, "\(source.path): no telemetry frames to repeat") }
        let times = base.map { $0.ecuTimeMs ?? $0.timeMs }
        let span = times.max()! - times.min()! + 1000
        var frames: [CarFrame] = []
        frames.reserveCapacity(rows)
        var copy: Int64 = 0
        while frames.count < rows {
            for var frame in base where frames.count < rows {
                frame.timeMs += copy * span
                frame.ecuTimeMs = (frame.ecuTimeMs ?? frame.timeMs) + copy * span
                frames.append(frame)
            }
            copy += 1
        }
        return frames
    }

    /// Inserts `frames` in batches, then times `queries` one-minute reads of one car.
    func measure(_ store: RaceStore, frames: [CarFrame], name: String) throws -> Figures {
        let start = DispatchTime.now().uptimeNanoseconds
        var offset = 0
        while offset < frames.count {
            let end = min(offset + batch, frames.count)
            try store.upsertFrames(Array(frames[offset..<end]))
            offset = end
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stored = try store.count(.carFrames)
        guard stored == frames.count else {
            throw HostError(.badInput, "\(name): \(stored) frames stored of \(frames.count) written")
        }

        // Read back: a random frame's car, the minute that starts there.
        var generator = SystemRandomNumberGenerator()
        var latencies: [Double] = []
        var returned = 0
        for _ in 0..<queries {
            let frame = frames[Int.random(in: 0..<frames.count, using: &generator)]
            let began = DispatchTime.now().uptimeNanoseconds
            returned += try store.frames(vehicleID: frame.vehicleID, fromMs: frame.timeMs, toMs: frame.timeMs + 60_000)
                .count
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1000)
        }
        latencies.sort()
        return Figures(
            store: name, rows: frames.count, seconds: seconds, rowsPerSecond: Double(frames.count) / seconds,
            queries: queries, rowsPerQuery: Double(returned) / Double(queries),
            readP50Us: latencies[latencies.count / 2], readP99Us: latencies[latencies.count * 99 / 100])
    }

    /// The frames as CSV in `StoreRows` column order, empty for NULL: the references' input.
    static func writeCSV(_ frames: [CarFrame], to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        func text(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        var block = ""
        for (index, f) in frames.enumerated() {
            let fields = [
                f.vehicleID, "\(f.ecuTimeMs ?? f.timeMs)", "\(f.timeMs)", f.carNumber.map(String.init) ?? "",
                "\(f.lap)",
                text(f.lapDistanceM), text(f.speedKph), text(f.throttlePct), text(f.brakeFrontBar),
                text(f.brakeRearBar), f.gear.map(String.init) ?? "", text(f.rpm), text(f.accelLongG),
                text(f.accelLatG), text(f.steeringDeg), text(f.latitudeDeg), text(f.longitudeDeg),
            ]
            block += fields.joined(separator: ",") + "\n"
            if index % 50_000 == 49_999 {
                try handle.write(contentsOf: Data(block.utf8))
                block = ""
            }
        }
        try handle.write(contentsOf: Data(block.utf8))
    }

    /// Runs a reference loader (sqlite3 or psql) and returns its wall time in seconds.
    static func timeReference(_ executable: String, _ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard process.terminationStatus == 0 else {
            throw HostError(
                .badInput,
                "\(executable) failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
        return seconds
    }
}
