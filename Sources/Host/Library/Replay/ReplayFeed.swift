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

        // Keep the race: organiser files carry rows from other sessions (Sonoma race 1's lap files run on
        // for 23 hours after the flag). The window is the timing sheet's first lap start to its last
        // crossing, with 10 minutes before (formation, out-laps) and 5 after; other rows are counted, each
        // kind with the file and line it came from.
        let window = Self.raceWindow(race)
        let outside = "outside the race window (another session?)"
        func inside(_ timeMs: Int64) -> Bool { window?.contains(timeMs) ?? true }
        var events: [FeedEvent] = race.laps.filter { inside($0.crossedMs) }.map { .lap($0) }
        for lapEnd in race.lapEnds {
            guard inside(lapEnd.timestampMs) else {
                ledger.record(
                    file: files.lapEnd?.lastPathComponent ?? "lap_end", kind: "lap_end", reason: outside,
                    row: lapEnd.row, field: "timestamp", detail: nil)
                continue
            }
            events.append(.lapEnd(lapEnd))
        }
        for (index, sample) in race.weather.enumerated() {
            guard inside(sample.timeMs) else {
                ledger.record(
                    file: files.weather?.lastPathComponent ?? "weather", kind: "weather", reason: outside,
                    row: index < race.weatherRows.count ? race.weatherRows[index] : 0, field: "TIME_UTC_SECONDS",
                    detail: "\(sample.timeMs / 1000)")
                continue
            }
            events.append(.weather(sample))
        }
        for url in files.telemetry {
            var rows = try TelemetryReader(url: url, ledger: ledger).makeIterator()
            while let sample = rows.next() {
                guard inside(sample.metaTimeMs) else {
                    ledger.record(
                        file: url.lastPathComponent, kind: "telemetry", reason: outside, row: rows.line,
                        field: "meta_time", detail: "\(sample.metaTimeMs)")
                    continue
                }
                events.append(.sample(sample))
            }
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

    static func raceWindow(_ race: RaceData) -> ClosedRange<Int64>? {
        guard let first = race.laps.map({ $0.crossedMs - ($0.lapTimeMs ?? 0) }).min(),
            let last = race.laps.map(\.crossedMs).max()
        else { return nil }
        return (first - 10 * 60_000)...(last + 5 * 60_000)
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
