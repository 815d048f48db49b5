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

    /// Writes `copies` time-shifted copies of `source`'s data rows under its header.
    static func makeInput(from source: URL, copies: Int, to destination: URL) throws {
        let text = try String(contentsOf: source, encoding: .utf8)
        // CRLF is one Character in Swift, so split on newline characters, not on "\n".
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst()
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let meta = columns.firstIndex(of: "meta_time"), let ecu = columns.firstIndex(of: "timestamp") else {
            throw HostError(.badInput, "\(source.path): not a long-format telemetry file")
        }
        let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let times = rows.compactMap { TRDTime.parseISO($0[meta]) }
        let span = (times.max() ?? 0) - (times.min() ?? 0) + 1000

        FileManager.default.createFile(atPath: destination.path, contents: nil)
        let handle = try FileHandle(forWritingTo: destination)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data((header + "\r\n").utf8))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for copy in 0..<copies {
            var block = ""
            block.reserveCapacity(rows.count * 140)
            for var fields in rows {
                if copy > 0 {
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

    /// User + system CPU seconds this process has used so far.
    static func cpuTime() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
