import Foundation
import RaceDomain

/// One race's organiser files as a feed in time order, released as the replay clock advances.
///
/// Telemetry rows are ordered by receiver time (`meta_time`, the clock the lap files use), then by the
/// car's own clock, then file order — the raw files run backwards within each lap (SOURCES.md item 20) and,
/// in full, car after car. They are streamed: `TelemetrySorter` sorts them in bounded memory (an external
/// merge sort through an unlinked temporary file), so a 1–2 GB organiser file replays in the same few MB as
/// the 10,000-row excerpt (`bench ingest` measures it). Lap records come from the analysis file at the moment
/// each car crossed the line, lap_end events at their timestamp, weather at its station time; these few
/// thousand timing events are held in memory and merged with the telemetry stream, a timing event first when
/// both fall on the same millisecond.
struct ReplayFeed {
    let files: RaceFiles
    let race: RaceData
    /// Timing events (laps, lap_end events, weather) inside the race window, in time order.
    private let timing: [FeedEvent]
    private var timingCursor = 0
    private let telemetry: TelemetrySorter
    /// The telemetry sample `advance` releases next, taken from the sorter ahead of time.
    private var nextSample: TelemetrySample?
    let startMs: Int64
    let endMs: Int64
    /// Scheduled race length in laps, from the results (else the longest car's laps).
    let raceLaps: Int
    /// Telemetry samples inside the race window (the ones the feed will release).
    let sampleCount: Int
    /// Sorted runs the telemetry sort wrote to its temporary file (0 when it fitted in memory).
    let spilledRuns: Int

    /// Reads every file of the race; telemetry is read once, in one pass, into the sorter. Which files the race
    /// needs, and what an empty, header-only or unreadable one does, is `RaceData+Files`: only missing lap timing
    /// stops the replay; any other such file is counted as a bad file and the rest is replayed.
    /// - Throws: `TRDError` when the race has no lap timing (or no time reference), or a temporary-file error while
    ///   sorting.
    init(
        directory: URL, race number: Int, ledger: RowIssueLedger,
        sorter: TelemetrySorter = TelemetrySorter()
    ) throws {
        files = try RaceFiles.locate(directory: directory, race: number)
        race = try RaceData.load(files, ledger: ledger)

        // Keep the race: organiser files carry rows from other sessions (Sonoma race 1's lap files run on
        // for 23 hours after the flag). The window is the timing sheet's first lap start to its last
        // crossing, with 10 minutes before (formation, out-laps) and 5 after; other rows are counted.
        let window = Self.raceWindow(race)
        let located = files
        func inside(_ event: FeedEvent, file: String? = nil, row: Int = 0) -> Bool {
            guard let window, !window.contains(event.timeMs) else { return true }
            Self.countOutside(event, file: file, row: row, files: located, ledger: ledger)
            return false
        }

        var timing: [FeedEvent] = race.laps.map { .lap($0) }.filter { inside($0) }
        timing += race.lapEnds.map { .lapEnd($0) }.filter { inside($0) }
        for (index, sample) in race.weather.enumerated() {
            let row = index < race.weatherRows.count ? race.weatherRows[index] : 0
            if inside(.weather(sample), row: row) { timing.append(.weather(sample)) }
        }
        // A stable sort: laps, then lap_end events, then weather on the same millisecond.
        timing = timing.enumerated().sorted { ($0.element.timeMs, $0.offset) < ($1.element.timeMs, $1.offset) }
            .map(\.element)
        self.timing = timing

        var first = Int64.max
        var last = Int64.min
        for url in files.telemetry {
            // Telemetry is optional (`RaceData+Files`): a file that cannot be read is counted and left out.
            let reader: TelemetryReader
            do {
                reader = try TelemetryReader(url: url, ledger: ledger)
            } catch let error as TRDError {
                RaceData.countBadFile(url, kind: TelemetryReader.kind, error: error, ledger: ledger)
                continue
            }
            var rows = reader.makeIterator()
            var read = 0
            while let sample = rows.next() {
                read += 1
                guard inside(.sample(sample), file: url.lastPathComponent, row: rows.row) else { continue }
                try sorter.append(sample)
                first = min(first, sample.metaTimeMs)
                last = max(last, sample.metaTimeMs)
            }
            if let error = rows.readError {
                ledger.record(
                    file: url.lastPathComponent, kind: TelemetryReader.kind,
                    reason: "read error (rest of file left out)",
                    row: rows.position.line + 1, field: nil, detail: "\(error); samples before it are kept")
            } else if read == 0, !RaceData.hasDataRows(url) {
                RaceData.countHeaderOnly(url, kind: TelemetryReader.kind, ledger: ledger)
            }
        }
        try sorter.finish()
        telemetry = sorter
        sampleCount = sorter.count
        nextSample = try sorter.next()

        let telemetrySpan = first <= last ? [first, last] : []
        startMs = ([timing.first?.timeMs].compactMap { $0 } + telemetrySpan).min() ?? 0
        endMs = ([timing.last?.timeMs].compactMap { $0 } + telemetrySpan).max() ?? 0
        spilledRuns = sorter.runsSpilled
        let classified = race.results.map(\.laps).max() ?? 0
        raceLaps = classified > 0 ? classified : (race.laps.map(\.lap).max() ?? 0)
    }

    static func raceWindow(_ race: RaceData) -> ClosedRange<Int64>? {
        guard let first = race.laps.map({ $0.crossedMs - ($0.lapTimeMs ?? 0) }).min(),
            let last = race.laps.map(\.crossedMs).max()
        else { return nil }
        return (first - 10 * 60_000)...(last + 5 * 60_000)
    }

    /// Counts one event left out of the replay; `row` is its file line (`file` names a telemetry sample's file).
    static func countOutside(_ event: FeedEvent, file: String?, row: Int, files: RaceFiles, ledger: RowIssueLedger) {
        let reason = "outside the race window (another session?)"
        switch event {
        case .sample(let s):
            ledger.record(
                file: file ?? "telemetry", kind: "telemetry", reason: reason, row: row, field: "meta_time",
                detail: "meta_time \(s.metaTimeMs) ms (Unix) is outside the race")
        case .lapEnd(let e):
            ledger.record(
                file: files.lapEnd?.lastPathComponent ?? "lap_end", kind: "lap_end", reason: reason, row: e.row,
                field: "timestamp", detail: nil)
        case .weather(let w):
            ledger.record(
                file: files.weather?.lastPathComponent ?? "weather", kind: "weather", reason: reason, row: row,
                field: "TIME_UTC_SECONDS", detail: "\(w.timeMs / 1000)")
        case .lap:
            break
        }
    }

    /// Events up to and including `nowMs` not yet released, in time order.
    /// - Throws: `TRDError` `.spillFailed` when sorted telemetry cannot be read back from the temporary file.
    mutating func advance(to nowMs: Int64) throws -> [FeedEvent] {
        var released: [FeedEvent] = []
        while true {
            let timingMs = timingCursor < timing.count ? timing[timingCursor].timeMs : Int64.max
            let sampleMs = nextSample?.metaTimeMs ?? Int64.max
            if timingMs <= sampleMs, timingMs <= nowMs, timingCursor < timing.count {
                released.append(timing[timingCursor])
                timingCursor += 1
            } else if let sample = nextSample, sampleMs <= nowMs {
                released.append(.sample(sample))
                nextSample = try telemetry.next()
            } else {
                return released
            }
        }
    }

    var isExhausted: Bool { timingCursor >= timing.count && nextSample == nil }

    /// The most telemetry records the sorter held in memory at once (bounded by its run length and buffers).
    var peakBufferedSamples: Int { telemetry.peakBuffered }
}
