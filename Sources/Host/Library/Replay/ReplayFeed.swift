import Foundation
import RaceDomain

/// One race's organiser files as a feed in time order, released as the replay clock advances.
///
/// Telemetry rows are ordered by receiver time (`meta_time`, the clock the lap files use), then by the
/// car's own clock — the raw files run backwards within each lap. Lap records come from the analysis
/// file at the moment each car crossed the line; weather at its station time.
struct ReplayFeed {
    let files: RaceFiles
    let race: RaceData
    private(set) var events: [FeedEvent]
    private var cursor = 0
    let startMs: Int64
    let endMs: Int64
    /// Scheduled race length in laps, from the results (else the longest car's laps).
    let raceLaps: Int

    init(directory: URL, race number: Int, ledger: RowIssueLedger) throws {
        files = try RaceFiles.locate(directory: directory, race: number)
        race = try RaceData.load(files, ledger: ledger)

        var events: [FeedEvent] = race.laps.map { .lap($0) } + race.lapEnds.map { .lapEnd($0) }
            + race.weather.map { .weather($0) }
        for url in files.telemetry {
            for sample in try TelemetryReader(url: url, ledger: ledger) { events.append(.sample(sample)) }
        }
        events.sort { a, b in
            if a.timeMs != b.timeMs { return a.timeMs < b.timeMs }
            if case .sample(let x) = a, case .sample(let y) = b { return x.ecuTimeMs < y.ecuTimeMs }
            return false
        }
        self.events = events
        startMs = events.first?.timeMs ?? 0
        endMs = events.last?.timeMs ?? 0
        let classified = race.results.map(\.laps).max() ?? 0
        raceLaps = classified > 0 ? classified : (race.laps.map(\.lap).max() ?? 0)
    }

    /// Events up to and including `nowMs` not yet released.
    mutating func advance(to nowMs: Int64) -> ArraySlice<FeedEvent> {
        let from = cursor
        while cursor < events.count && events[cursor].timeMs <= nowMs { cursor += 1 }
        return events[from..<cursor]
    }

    var isExhausted: Bool { cursor >= events.count }
    var sampleCount: Int { events.reduce(0) { if case .sample = $1 { $0 + 1 } else { $0 } } }
}
