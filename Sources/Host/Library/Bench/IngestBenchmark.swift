import Foundation
import RaceDomain

/// `roadsense bench ingest`: rows per second reading the organisers' long-format telemetry with the
/// streaming reader and folding it into per-car frames, and the peak memory of doing so at 1× and 10×
/// the input size. The input is the real Barber head (10,000 rows) repeated with its times shifted by the
/// head's span each time, so every row stays plausible and no repetition duplicates another.
/// The peer is `benchmarks/ingest-python/peer.py` (Python's csv module with the same checks, no frames),
/// run on the same files in the same run.
struct IngestBenchmark {
    struct Figures: Codable {
        var rows: Int
        var bytes: Int
        var seconds: Double
        var rowsPerSecond: Double
        /// User + system CPU time of the child: the one-core cost when other work shares the machine.
        var cpuSeconds: Double
        var rowsPerCPUSecond: Double
        var peakRSSMB: Double
        var frames: Int
        var badRows: Int
    }

    /// How the copies of the source rows are laid out.
    enum Layout {
        /// Copy k shifted k × (span + 1 s) later, in that order (the ingest benchmark).
        case forward
        /// The same shifted copies written latest first: the file runs backwards throughout, as no bounded
        /// reorder window could sort (the replay-feed benchmark).
        case backward
        /// No time shift; copy k is another car (vehicle id `GR86-<100+k>-<k>`), one car's rows after another's,
        /// as the full organiser files are laid out.
        case carAfterCar
    }

    /// Writes `copies` copies of `source`'s data rows under its header, laid out as `layout` says.
    static func makeInput(from source: URL, copies: Int, to destination: URL, layout: Layout = .forward) throws {
        let text = try String(contentsOf: source, encoding: .utf8)
        // CRLF is one Character in Swift, so split on newline characters, not on "\n".
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst()
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let meta = columns.firstIndex(of: "meta_time"), let ecu = columns.firstIndex(of: "timestamp") else {
            throw HostError(.badInput, "\(source.path): not a long-format telemetry file")
        }
        let vehicleColumns = ["vehicle_id", "original_vehicle_id"].compactMap { columns.firstIndex(of: $0) }
        let numberColumn = columns.firstIndex(of: "vehicle_number")
        let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let times = rows.compactMap { TRDTime.parseISO($0[meta]) }
        let span = (times.max() ?? 0) - (times.min() ?? 0) + 1000

        FileManager.default.createFile(atPath: destination.path, contents: nil)
        let handle = try FileHandle(forWritingTo: destination)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data((header + "\r\n").utf8))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let order = layout == .backward ? Array((0..<copies).reversed()) : Array(0..<copies)
        for copy in order {
            var block = ""
            block.reserveCapacity(rows.count * 140)
            for var fields in rows {
                if layout == .carAfterCar {
                    for column in vehicleColumns { fields[column] = "GR86-\(100 + copy)-\(copy)" }
                    if let numberColumn { fields[numberColumn] = "\(copy)" }
                } else if copy > 0 {
                    fields[meta] = shifted(fields[meta], by: Int64(copy) * span, formatter: formatter)
                    fields[ecu] = shifted(fields[ecu], by: Int64(copy) * span, formatter: formatter)
                }
                block += fields.joined(separator: ",") + "\r\n"
            }
            try handle.write(contentsOf: Data(block.utf8))
        }
    }

    static func shifted(_ iso: String, by ms: Int64, formatter: ISO8601DateFormatter) -> String {
        guard let base = TRDTime.parseISO(iso) else { return iso }
        return formatter.string(from: Date(timeIntervalSince1970: Double(base + ms) / 1000))
    }

    /// Reads and pivots `file` in this process, in windows of 10,000 samples as the telemetry plugin would.
    static func measure(file: URL) throws -> Figures {
        let ledger = RowIssueLedger()
        var pivot = TelemetryPivot()
        var window: [TelemetrySample] = []
        window.reserveCapacity(10_000)
        var rows = 0
        var frames = 0
        let startCPU = cpuTime()
        let start = DispatchTime.now().uptimeNanoseconds
        for sample in try TelemetryReader(url: file, ledger: ledger) {
            rows += 1
            window.append(sample)
            if window.count == 10_000 {
                frames += pivot.fold(window).count
                window.removeAll(keepingCapacity: true)
            }
        }
        frames += pivot.fold(window).count
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let cpuSeconds = cpuTime() - startCPU
        return Figures(
            rows: rows, bytes: bytes, seconds: seconds, rowsPerSecond: Double(rows) / seconds,
            cpuSeconds: cpuSeconds, rowsPerCPUSecond: Double(rows) / cpuSeconds,
            peakRSSMB: Double(usage.ru_maxrss) / 1024, frames: frames, badRows: ledger.total)
    }

    /// The replay feed's telemetry sort over one file, measured in a child process.
    struct ReplayFigures: Codable {
        /// `sorter` (`TelemetrySorter`, as the replay feed runs) or `in-memory` (the peer: every sample in one
        /// array, then one sort — how the feed worked before).
        var mode: String
        var rows: Int
        var seconds: Double
        var cpuSeconds: Double
        var peakRSSMB: Double
        /// The most sample records the sorter held at once (all of them for the in-memory peer).
        var peakBufferedSamples: Int
        var runsSpilled: Int
        var mergePasses: Int
        /// Samples released earlier in time than the one before them (must be 0).
        var outOfOrder: Int
    }

    /// Reads `file` and releases its samples in replay order — through a `TelemetrySorter`, or, for the peer,
    /// all into one array sorted at once — checking the order on the way.
    static func measureReplay(file: URL, inMemory: Bool) throws -> ReplayFigures {
        let ledger = RowIssueLedger()
        let startCPU = cpuTime()
        let start = DispatchTime.now().uptimeNanoseconds
        var rows = 0
        var outOfOrder = 0
        var previous = Int64.min
        func released(_ sample: TelemetrySample) {
            rows += 1
            if sample.metaTimeMs < previous { outOfOrder += 1 }
            previous = sample.metaTimeMs
        }
        var peak = 0
        var runs = 0
        var passes = 0
        if inMemory {
            var all: [TelemetrySample] = []
            for sample in try TelemetryReader(url: file, ledger: ledger) { all.append(sample) }
            peak = all.count
            let ordered = all.enumerated().sorted {
                ($0.element.metaTimeMs, $0.element.ecuTimeMs, $0.offset)
                    < ($1.element.metaTimeMs, $1.element.ecuTimeMs, $1.offset)
            }
            for (_, sample) in ordered { released(sample) }
        } else {
            let sorter = TelemetrySorter()
            for sample in try TelemetryReader(url: file, ledger: ledger) { try sorter.append(sample) }
            while let sample = try sorter.next() { released(sample) }
            peak = sorter.peakBuffered
            runs = sorter.runsSpilled
            passes = sorter.mergePasses
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return ReplayFigures(
            mode: inMemory ? "in-memory" : "sorter", rows: rows, seconds: seconds, cpuSeconds: cpuTime() - startCPU,
            peakRSSMB: Double(usage.ru_maxrss) / 1024, peakBufferedSamples: peak, runsSpilled: runs,
            mergePasses: passes, outOfOrder: outOfOrder)
    }

    /// User + system CPU seconds this process has used so far.
    static func cpuTime() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
