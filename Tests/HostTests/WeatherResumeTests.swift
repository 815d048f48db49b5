import Foundation
import RaceDomain
import RoadSenseStore
import Testing

/// The weather plugin, as deployed (a real host and `roadsense-weather` process, calls made with `roadsense submit
/// --wait`), following a station file that grows: the barber R1 weather file written in three parts, with bad rows in
/// the middle and the first part ending in a line the station is still writing. What it stores must be what one
/// pass over the finished file reads.
@Suite("Weather plugin resumes its source at a byte offset", .serialized)
struct WeatherResumeTests {
    static func update(_ harness: HostHarness) throws {
        let run = try SubmitJSONTests.submit(
            ["weather.Update", "--json", #"{"now_ms": 1757188000000, "window_ms": 900000}"#, "--wait"],
            store: harness.storePath)
        #expect(run.status == 0, "submit: \(run.stderr) \(harness.log.suffix(2000))")
    }

    @Test("bad rows mid-file and a half-written last line shift nothing: the store ends as one pass over the file")
    func growingFile() throws {
        // The real file's lines; line 12 made a bad row (no Unix time), line 21's RAIN set to 1 so that a pass that
        // took its half-written form (RAIN still empty: no rain) and skipped it later would be seen, line 30 cut short.
        let text = try String(
            contentsOf: TestPaths.excerpt.appendingPathComponent("26_Weather_Race 1_Anonymized.CSV"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 45 && lines[44].isEmpty)
        lines[11] = "x" + lines[11].drop { $0 != ";" }
        lines[20] = String(lines[20].dropLast()) + "1"
        lines[29] = lines[29].split(separator: ";").prefix(5).joined(separator: ";")
        let finished = lines.joined(separator: "\n")

        let source = try TestPaths.temporaryDirectory("weather-source").appendingPathComponent("26_Weather_live.CSV")
        let harness = try HostHarness(
            replicas: 1,
            plugins: [
                [
                    "name": "weather", "executable": "roadsense-weather", "methods": ["weather.Update"],
                    "arguments": ["--set", "source=\(source.path)"],
                ]
            ])
        try harness.start()
        defer { harness.stop() }
        #expect(harness.log.contains("host ready"), "host did not start: \(harness.log.suffix(2000))")

        // Part 1: lines 1–20 whole, then line 21 up to its last separator (RAIN not written yet).
        let upTo20 = lines[0..<20].joined(separator: "\n") + "\n"
        let part1 = upTo20 + lines[20].dropLast()
        try Data(part1.utf8).write(to: source)
        try Self.update(harness)
        var cursor = try #require(try harness.store().ingestCursor(file: source.path))
        #expect(cursor.offset == Int64(upTo20.utf8.count) && cursor.line == 20)
        #expect(cursor.bytes == Int64(part1.utf8.count) && cursor.rows == 18, "19 data lines, 1 bad")

        // Part 2: line 21 finished, on to line 35.
        try Data((lines[0..<35].joined(separator: "\n") + "\n").utf8).write(to: source)
        try Self.update(harness)
        // Part 3: the rest.
        try Data(finished.utf8).write(to: source)
        try Self.update(harness)

        let peer = RowIssueLedger()
        let expected = try WeatherReader.read(url: source, ledger: peer)
        #expect(expected.count == 41, "43 readings, 2 bad")
        #expect(peer.count(reason: "bad TIME_UTC_SECONDS") == 1 && peer.count(reason: FieldCountRule.shortReason) == 1)
        let stored = try harness.store().weather(since: 0)
        #expect(stored == expected)
        #expect(stored.filter(\.rain).map(\.timeMs) == [Int64(lines[20].prefix { $0 != ";" })! * 1000])
        cursor = try #require(try harness.store().ingestCursor(file: source.path))
        #expect(cursor.offset == Int64(finished.utf8.count) && cursor.line == 44 && cursor.rows == 41)
        #expect(harness.log.contains("row 12 field TIME_UTC_SECONDS"), "\(harness.log.suffix(3000))")
        #expect(harness.log.contains("row 30 field PRESSURE"))
    }
}
