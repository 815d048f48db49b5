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
        /// CPU time of this process (all threads) while inserting: on a loaded machine the wall time grows,
        /// this does not. PostgreSQL's own work is in the server's processes, not in here.
        var clientCPUSeconds: Double
        /// Time the inserting thread was ready to run but waited for a CPU (Linux `schedstat`; nil where
        /// unreadable). SQLite works on that thread, so `seconds` minus this is its time on an idle machine.
        var clientCPUWaitSeconds: Double?
        var queries: Int
        var rowsPerQuery: Double
        var readP50Us: Double
        var readP99Us: Double
    }

    var rows: Int
    var batch: Int
    var queries = 300

    /// `rows` frames as a live race delivers them: every car of the race (the `lap_time` file beside
    /// `source` names them) runs the real telemetry head in `source` again and again, each copy shifted
    /// past the previous one; each car is at its own place on track (its first lap crossing relative to the
    /// telemetry car's) and has its own ECU clock, and the frames of all cars arrive in receive-time order.
    static func makeFrames(from source: URL, rows: Int) throws -> [CarFrame] {
        var pivot = TelemetryPivot()
        let base = pivot.fold(try TelemetryReader(url: source, ledger: RowIssueLedger()).readAll())
        guard let first = base.first else {
            throw HostError(.badInput, "\(source.path): no telemetry frames to repeat")
        }
        let cars = try field(beside: source, telemetryCar: first.vehicleID)
        let times = base.map(\.timeMs)
        let span = times.max()! - times.min()! + 1000
        let copies = (rows + cars.count * base.count - 1) / (cars.count * base.count)
        var frames: [CarFrame] = []
        frames.reserveCapacity(copies * cars.count * base.count)
        for copy in 0..<Int64(copies) {
            for (index, car) in cars.enumerated() {
                let ecuOffset = Int64(index) * 3_600_007 + copy * span
                for var frame in base {
                    frame.vehicleID = car.vehicleID
                    frame.carNumber = car.carNumber
                    frame.ecuTimeMs = (frame.ecuTimeMs ?? frame.timeMs) + ecuOffset
                    frame.timeMs += car.offsetMs + copy * span
                    frames.append(frame)
                }
            }
        }
        // Arrival order: receive time across the cars (a stable sort keeps each car's own order).
        let ordered = frames.enumerated().sorted { ($0.element.timeMs, $0.offset) < ($1.element.timeMs, $1.offset) }
        return ordered.prefix(rows).map(\.element)
    }

    /// A car of the benchmark's field.
    struct Car {
        var vehicleID: String
        var carNumber: Int?
        /// Its first lap crossing after the telemetry car's: where it runs on track relative to it.
        var offsetMs: Int64
    }

    /// The race's cars from the `lap_time` file beside the telemetry file (`R1_barber_lap_time.csv` for
    /// `R1_barber_telemetry_data_sample.csv`), the telemetry car first; just that car if there is no file.
    static func field(beside source: URL, telemetryCar: String) throws -> [Car] {
        let prefix = source.lastPathComponent.split(separator: "_").first.map(String.init) ?? ""
        let directory = source.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard let lapFile = names.sorted().first(where: { $0.hasPrefix(prefix + "_") && $0.contains("lap_time") })
        else { return [Car(vehicleID: telemetryCar, carNumber: nil, offsetMs: 0)] }
        let events = try LapEventReader.read(url: directory.appendingPathComponent(lapFile), ledger: RowIssueLedger())
        var firsts: [String: LapEvent] = [:]
        for event in events where firsts[event.vehicleID].map({ event.timestampMs < $0.timestampMs }) ?? true {
            firsts[event.vehicleID] = event
        }
        let reference = firsts[telemetryCar]?.timestampMs ?? 0
        var cars = firsts.values.filter { $0.vehicleID != telemetryCar }.sorted { $0.vehicleID < $1.vehicleID }.map {
            Car(
                vehicleID: $0.vehicleID, carNumber: $0.carNumber,
                offsetMs: reference == 0 ? 0 : $0.timestampMs - reference)
        }
        cars.insert(Car(vehicleID: telemetryCar, carNumber: firsts[telemetryCar]?.carNumber, offsetMs: 0), at: 0)
        return cars
    }

    /// Inserts `frames` in batches, then times `queries` one-minute reads of one car.
    func measure(_ store: RaceStore, frames: [CarFrame], name: String) throws -> Figures {
        let batches = stride(from: 0, to: frames.count, by: batch).map {
            Array(frames[$0..<min($0 + batch, frames.count)])
        }
        let cpuStart = Self.processCPUSeconds()
        let waitStart = Self.threadRunQueueWaitSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        for frames in batches { try store.upsertFrames(frames) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = Self.processCPUSeconds() - cpuStart
        let waited = Self.threadRunQueueWaitSeconds().flatMap { end in waitStart.map { end - $0 } }
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
            clientCPUSeconds: cpuSeconds, clientCPUWaitSeconds: waited,
            queries: queries, rowsPerQuery: Double(returned) / Double(queries),
            readP50Us: latencies[latencies.count / 2], readP99Us: latencies[latencies.count * 99 / 100])
    }

    /// User plus system CPU time of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// How long the calling thread has waited on a run queue, from `/proc/thread-self/schedstat` (its
    /// second field, in nanoseconds); nil where there is no such file.
    static func threadRunQueueWaitSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/thread-self/schedstat", encoding: .utf8) else {
            return nil
        }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let nanoseconds = Double(fields[1]) else { return nil }
        return nanoseconds / 1e9
    }

    /// The frames as CSV in `StoreRows.frameColumns` order (the vehicle as a number, 1 for the first car
    /// seen, as a fresh store numbers them), empty for NULL: the references' input.
    static func writeCSV(_ frames: [CarFrame], to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        func text(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        var block = ""
        var vehicles: [String: Int] = [:]
        for (index, f) in frames.enumerated() {
            let vehicle = vehicles[f.vehicleID] ?? vehicles.count + 1
            vehicles[f.vehicleID] = vehicle
            let fields = [
                "\(vehicle)", "\(f.ecuTimeMs ?? f.timeMs)", "\(f.timeMs)", f.carNumber.map(String.init) ?? "",
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
