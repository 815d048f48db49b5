import Foundation
import Testing

@testable import RaceDomain

/// `WeatherReader.read(url:ledger:from:wholeLinesOnly:)`: a growing weather file read in passes, each resuming at
/// the position the last one returned, gives the readings and bad-row numbers of one pass over the finished file.
@Suite("Weather reader resumes at a byte offset")
struct WeatherResumeReadTests {
    @Test("passes over a growing file (bad rows, a half-written line, CRLF, a BOM) add up to one pass")
    func passesAddUp() throws {
        // The indianapolis R1 file (BOM, CRLF, trailing `;`) with a bad row and a cut row in the middle.
        let bytes = [UInt8](try Data(contentsOf: TestData.trd("indianapolis/26_Weather_Race 1.CSV")))
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        lines[9] = Array("nope;".utf8) + lines[9].drop { $0 != UInt8(ascii: ";") }.dropFirst()
        lines[14] = Array(lines[14].prefix(12)) + [0x0D]
        let finished = Array(lines.joined(separator: [0x0A]))
        let url = try TestData.temporaryFile("26_Weather_live.CSV", "")

        let whole = RowIssueLedger()
        try Data(finished).write(to: url)
        let expected = try WeatherReader.read(url: url, ledger: whole)
        #expect(
            whole.count(reason: "bad TIME_UTC_SECONDS") == 1 && whole.count(reason: FieldCountRule.shortReason) == 1)

        // Cut points: inside line 8, right after line 12's LF, inside line 20, the end.
        let lineStarts = [0] + finished.indices.filter { finished[$0] == 0x0A }.map { $0 + 1 }
        let cuts = [lineStarts[7] + 20, lineStarts[12], lineStarts[19] + 5, finished.count]
        var position: FilePosition?
        var samples: [WeatherSample] = []
        let ledger = RowIssueLedger()
        for cut in cuts {
            try Data(finished[..<cut]).write(to: url)
            let pass = try WeatherReader.read(url: url, ledger: ledger, from: position, wholeLinesOnly: true)
            samples += pass.samples
            position = pass.position
            let unfinished = lineStarts.contains(cut) ? 0 : cut - lineStarts.last { $0 <= cut }!
            #expect(pass.unfinishedBytes == unfinished && Int(pass.position.offset) == cut - unfinished)
        }
        #expect(samples == expected && samples.count > 20)
        for reason in ["bad TIME_UTC_SECONDS", FieldCountRule.shortReason] {
            #expect(
                ledger.firstExample(file: url.lastPathComponent, kind: "weather", reason: reason)
                    == whole.firstExample(file: url.lastPathComponent, kind: "weather", reason: reason))
        }
        #expect(ledger.total == whole.total)
    }

    @Test("a resumed pass reads 0 track temperatures as missing only while no earlier row had a reading")
    func constantZeroTrack() throws {
        let header =
            "TIME_UTC_SECONDS;TIME_UTC_STR;AIR_TEMP;TRACK_TEMP;HUMIDITY;PRESSURE;WIND_SPEED;WIND_DIRECTION;RAIN\n"
        let zero = header + "1757184078;x;29.8;0;56.75;992.9;2.88;342;0\n"
        let url = try TestData.temporaryFile("26_Weather.CSV", zero)
        let first = try WeatherReader.read(url: url, ledger: RowIssueLedger(), from: nil, wholeLinesOnly: true)
        try Data((zero + "1757184141;x;29.9;0;57.2;993.0;5.04;280;0\n").utf8).write(to: url)
        let second = try WeatherReader.read(url: url, ledger: RowIssueLedger(), from: first.position)
        #expect(first.samples.map(\.trackTempC) == [nil] && second.samples.map(\.trackTempC) == [nil])

        let warm = header + "1757184078;x;29.8;31.5;56.75;992.9;2.88;342;0\n"
        try Data(warm.utf8).write(to: url)
        let warmFirst = try WeatherReader.read(url: url, ledger: RowIssueLedger(), from: nil)
        try Data((warm + "1757184141;x;29.9;0;57.2;993.0;5.04;280;0\n").utf8).write(to: url)
        let warmSecond = try WeatherReader.read(url: url, ledger: RowIssueLedger(), from: warmFirst.position)
        #expect(warmSecond.samples.map(\.trackTempC) == [0])
    }
}
