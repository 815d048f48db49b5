import Foundation
import RaceDomain
import RoadSenseStore
import Testing

/// The ingest plugin, as deployed (a real host and `roadsense-ingest` process, calls made with
/// `roadsense submit --wait`), on a telemetry file that grows: the committed excerpt written in two parts, the
/// first ending mid-line, then replaced and rewritten. The expected figures come from reading each part's
/// whole lines in one pass.
@Suite("Ingest resumes telemetry at a byte offset", .serialized)
struct IngestResumeTests {
    struct Pass {
        var rowsNew: Int
        var filesRead: Int
        var summary: String
        var badRows: [(reason: String, count: Int, example: String)]
    }

    static func ingest(_ harness: HostHarness) throws -> Pass {
        let run = try SubmitJSONTests.submit(
            ["ingest.IngestExternal", "--json", #"{"now_ms": 1757184041926}"#, "--wait"], store: harness.storePath)
        #expect(run.status == 0, "submit: \(run.stderr) \(harness.log.suffix(2000))")
        let lines = run.stdout.split(separator: "\n", maxSplits: 2).map(String.init)
        let object = try #require(
            lines.count == 3 ? try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any] : nil,
            "output: \(run.stdout)")
        let bad = (object["bad_rows"] as? [[String: Any]] ?? []).map {
            ($0["reason"] as? String ?? "", $0["count"] as? Int ?? 0, $0["example"] as? String ?? "")
        }
        return Pass(
            rowsNew: object["rows_new"] as? Int ?? 0, filesRead: object["files_read"] as? Int ?? 0,
            summary: object["summary"] as? String ?? "", badRows: bad)
    }

    /// Good samples and bad rows when `bytes` is read whole in one pass.
    static func onePass(_ bytes: ArraySlice<UInt8>) throws -> (samples: [TelemetrySample], ledger: RowIssueLedger) {
        let url = try TestPaths.temporaryDirectory("ingest-peer").appendingPathComponent("telemetry.csv")
        try Data(bytes).write(to: url)
        let ledger = RowIssueLedger()
        return (try TelemetryReader(url: url, ledger: ledger).readAll(), ledger)
    }

    static func inode(_ path: String) -> UInt64 {
        var info = stat()
        _ = stat(path, &info)
        return UInt64(info.st_ino)
    }

    @Test("a growing file is read in parts, an unfinished line waits, a replaced or rewritten file starts over")
    func growingFile() throws {
        let source = try TestPaths.temporaryDirectory("ingest-source")
        let harness = try HostHarness(
            replicas: 1,
            plugins: [
                [
                    "name": "ingest", "executable": "roadsense-ingest", "methods": ["ingest.IngestExternal"],
                    "arguments": ["--set", "source=\(source.path)"],
                ]
            ])
        try harness.start()
        defer { harness.stop() }
        #expect(harness.log.contains("host ready"), "host did not start: \(harness.log.suffix(2000))")

        let bytes = [UInt8](
            try Data(contentsOf: TestPaths.excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv")))
        var lineStarts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A && index + 1 < bytes.count {
            lineStarts.append(index + 1)
        }
        let file = source.appendingPathComponent("R1_telemetry.csv")
        let whole = try Self.onePass(bytes[...])
        #expect(whole.samples.count == 3_973)

        // Part 1: lines 1–2,500 whole, then 30 bytes of line 2,501.
        let cut = lineStarts[2_500] + 30
        try Data(bytes[..<cut]).write(to: file)
        let part = try Self.onePass(bytes[..<lineStarts[2_500]])
        let first = try Self.ingest(harness)
        #expect(first.rowsNew == part.samples.count && first.filesRead == 1)
        #expect(first.summary.contains("R1_telemetry.csv: last line unfinished (30 bytes), left for the next pass"))
        var cursor = try #require(try harness.store().ingestCursor(file: file.path))
        #expect(cursor.offset == Int64(lineStarts[2_500]) && cursor.line == 2_500 && cursor.bytes == Int64(cut))
        #expect(cursor.inode == Self.inode(file.path))

        // Part 2: the writer finishes. Only the new lines are read: the bad rows of part 1 are not counted again.
        try Data(bytes).write(to: file)
        let second = try Self.ingest(harness)
        #expect(second.rowsNew == whole.samples.count - part.samples.count)
        let firstBad = first.badRows.reduce(0) { $0 + $1.count }
        let secondBad = second.badRows.reduce(0) { $0 + $1.count }
        #expect(firstBad + secondBad == whole.ledger.total)
        let secondRows = second.badRows.compactMap { Int($0.example.dropFirst(4).prefix { $0.isNumber }) }
        #expect(!secondRows.isEmpty && secondRows.allSatisfy { $0 > 2_500 }, "\(second.badRows)")
        cursor = try #require(try harness.store().ingestCursor(file: file.path))
        #expect(cursor.offset == Int64(bytes.count) && cursor.line == 4_001 && cursor.rows == whole.samples.count)
        // One frame per (vehicle, ECU instant) of the whole file.
        let instants = Set(whole.samples.map { "\($0.vehicleID)|\($0.ecuTimeMs)" })
        #expect(try harness.store().count(.carFrames) == instants.count)

        // Nothing new: nothing read.
        let idle = try Self.ingest(harness)
        #expect(idle.filesRead == 0 && idle.rowsNew == 0)

        // Replaced (a new file renamed over it: same bytes, another inode): read again from the start.
        let replacement = source.appendingPathComponent("incoming.tmp")
        try Data(bytes).write(to: replacement)
        #expect(rename(replacement.path, file.path) == 0)
        let replaced = try Self.ingest(harness)
        #expect(replaced.rowsNew == whole.samples.count)
        #expect(replaced.summary.contains("R1_telemetry.csv was replaced (another inode): read again from the start"))

        // Rewritten in place and longer (same inode, other bytes before the offset): read again from the start.
        var rewritten = bytes
        rewritten[bytes.count - 3] = UInt8(ascii: "1")  // the last line's vehicle_number, `0` → `1`
        rewritten += bytes[lineStarts[1]..<lineStarts[3]]
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data(rewritten))
        try handle.close()
        let again = try Self.ingest(harness)
        #expect(again.summary.contains("R1_telemetry.csv was rewritten"))
        #expect(again.rowsNew == (try Self.onePass(rewritten[...])).samples.count)
        #expect(try harness.store().count(.carFrames) == instants.count, "upserts: the same frames, stored once")
    }
}
