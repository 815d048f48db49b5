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

        var events: [FeedEvent] =
            race.laps.map { .lap($0) } + race.lapEnds.map { .lapEnd($0) }
            + race.weather.map { .weather($0) }
        for url in files.telemetry {
            for sample in try TelemetryReader(url: url, ledger: ledger) { events.append(.sample(sample)) }
        }
        // Keep the race: organiser files carry rows from other sessions (Sonoma race 1's lap files run on
        // for 23 hours after the flag). The window is the timing sheet's first lap start to its last
        // crossing, with 10 minutes before (formation, out-laps) and 5 after; other rows are counted.
        if let window = Self.raceWindow(race) {
            let located = files
            events = events.filter { event in
                guard window.contains(event.timeMs) else {
                    Self.countOutside(event, files: located, ledger: ledger, window: window)
                    return false
                }
                return true
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

    static func countOutside(_ event: FeedEvent, files: RaceFiles, ledger: RowIssueLedger, window: ClosedRange<Int64>) {
        let reason = "outside the race window (another session?)"
        switch event {
        case .sample(let s):
            ledger.record(
                file: files.telemetry.first?.lastPathComponent ?? "telemetry", kind: "telemetry", reason: reason,
                row: 0, field: "meta_time", detail: "\(s.metaTimeMs)")
        case .lapEnd(let e):
            ledger.record(
                file: files.lapEnd?.lastPathComponent ?? "lap_end", kind: "lap_end", reason: reason, row: e.row,
                field: "timestamp", detail: nil)
        case .weather(let w):
            ledger.record(
                file: files.weather?.lastPathComponent ?? "weather", kind: "weather", reason: reason, row: 0,
                field: "TIME_UTC_SECONDS", detail: "\(w.timeMs / 1000)")
        case .lap:
            break
        }
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
