import Foundation
import RaceDomain
import Testing

@testable import RoadSenseHost

/// The replay feed streams telemetry through `TelemetrySorter`: the committed Barber race 1 excerpt with its
/// telemetry replaced by 16 cars' worth of it, one car after another (the layout of the full organiser files),
/// each car's rows written backwards in time as the organisers' are.
@Suite("Replay feed streams telemetry in bounded memory")
struct ReplayFeedStreamingTests {
    static let copies = 16

    /// The excerpt's files with `copies` cars of telemetry in place of its one.
    static func raceDirectory() throws -> URL {
        let directory = try TestPaths.temporaryDirectory("feed-stream")
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.excerpt.path)
        for name in names where name.hasSuffix(".csv") || name.hasSuffix(".CSV") {
            guard !name.contains("telemetry") else { continue }
            try FileManager.default.copyItem(
                at: TestPaths.excerpt.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        try IngestBenchmark.makeInput(
            from: TestPaths.excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv"), copies: copies,
            to: directory.appendingPathComponent("R1_barber_telemetry_data_sample.csv"), layout: .carAfterCar)
        return directory
    }

    @Test("releases every sample once, in receiver-time order with timing events merged, holding ≤ 1,600 samples")
    func streams() throws {
        let directory = try Self.raceDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = RowIssueLedger()
        var feed = try ReplayFeed(
            directory: directory, race: 1, ledger: ledger,
            sorter: TelemetrySorter(runLength: 1_000, fanIn: 8, readBatch: 64))

        // The peer: every sample of the file in one array, stably sorted by receiver time, then ECU time.
        let all = try TelemetryReader(
            url: directory.appendingPathComponent("R1_barber_telemetry_data_sample.csv"), ledger: RowIssueLedger()
        ).readAll()
        let expected = all.enumerated().sorted {
            ($0.element.metaTimeMs, $0.element.ecuTimeMs, $0.offset)
                < ($1.element.metaTimeMs, $1.element.ecuTimeMs, $1.offset)
        }.map(\.element)
        #expect(expected.count == Self.copies * 3_973, "16 cars × the excerpt's 3,973 good rows (a Python csv count)")
        #expect(feed.sampleCount == expected.count)

        var samples: [TelemetrySample] = []
        var timing = 0
        var previous = Int64.min
        var backwards = 0
        var now = feed.startMs
        while !feed.isExhausted {
            for event in try feed.advance(to: now) {
                if event.timeMs < previous { backwards += 1 }
                previous = event.timeMs
                if case .sample(let sample) = event { samples.append(sample) } else { timing += 1 }
            }
            now += 1_000
        }
        #expect(backwards == 0)
        #expect(samples == expected)
        // Every timing event read is released, except those outside the race window (the excerpt's laps end at
        // lap 6, its weather file runs to the flag), which are counted instead.
        let outside = ledger.counts.filter { $0.reason.hasPrefix("outside the race window") }
        #expect(outside.allSatisfy { $0.kind != "telemetry" } && !outside.isEmpty)
        #expect(
            timing + outside.reduce(0) { $0 + $1.count }
                == feed.race.laps.count + feed.race.lapEnds.count + feed.race.weather.count)
        #expect(feed.peakBufferedSamples <= 1_000 + 8 * 64 + 64)
        #expect(feed.peakBufferedSamples * 30 < expected.count)
        #expect(now - 1_000 <= feed.endMs + 1_000 && feed.endMs == max(expected.last!.metaTimeMs, previous))
    }
}
