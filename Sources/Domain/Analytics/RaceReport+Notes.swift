import Foundation

extension RaceReport {
    /// The files read, by kind. A lap-event file whose timestamps mostly fall outside the race (vir R2's
    /// lap_time file is R1's) is listed `ignored` and its rows counted in `extraIssues`.
    static func fileList(data: RaceData, extraIssues: inout [BadRowCount], notes: inout [String]) -> [ReportFile] {
        let files = data.files
        let folder = files.directory.standardizedFileURL.path
        func name(_ url: URL) -> String {
            let path = url.standardizedFileURL.path
            return path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
        }

        var list: [ReportFile] = []
        if let url = files.analysis {
            list.append(ReportFile(kind: "analysis", file: name(url), rows: data.analysisLaps.count))
        }

        // Lap events: the race window is the analysis crossings ± 15 min.
        let crossings = data.laps.map(\.crossedMs)
        let window = crossings.min().map { ($0 - 900_000)...(crossings.max()! + 900_000) }
        for (kind, url, events) in [
            ("lap_end", files.lapEnd, data.lapEnds), ("lap_start", files.lapStart, data.lapStarts),
            ("lap_time", files.lapTime, data.lapTimes),
        ] {
            guard let url else { continue }
            var entry = ReportFile(kind: kind, file: name(url), rows: events.count)
            if let window, !events.isEmpty {
                let outside = events.filter { !window.contains($0.timestampMs) }.count
                let span = "\(isoMinute(window.lowerBound))–\(isoMinute(window.upperBound))"
                if outside * 2 > events.count {
                    entry.status = "ignored"
                    entry.note =
                        "\(outside) of \(events.count) events fall outside this race (\(span)): another session's file"
                    extraIssues.append(
                        BadRowCount(
                            file: url.lastPathComponent, kind: kind, reason: "file from another session (ignored)",
                            count: events.count))
                    notes.append("\(url.lastPathComponent): \(entry.note!)")
                } else if outside > 0 {
                    entry.note = "\(outside) events outside the race window \(span)"
                }
            }
            list.append(entry)
        }

        if let url = files.weather {
            list.append(ReportFile(kind: "weather", file: name(url), rows: data.weather.count))
        }
        if let url = files.results {
            list.append(
                ReportFile(
                    kind: "results", file: name(url), rows: data.results.count, note: resultsKind(url.lastPathComponent)
                ))
        }
        if let url = files.resultsByClass {
            list.append(ReportFile(kind: "results_by_class", file: name(url), rows: data.resultsByClass.count))
        }
        if let url = files.bestLaps {
            list.append(ReportFile(kind: "best_laps", file: name(url), rows: data.bestLaps.count))
        }
        for url in files.telemetry {
            list.append(
                ReportFile(
                    kind: "telemetry", file: name(url), status: "not_read", rows: 0,
                    note: "the report needs no telemetry; TOP_SPEED comes from the analysis file"))
        }
        return list
    }

    /// What the engineer should not miss about individual cars.
    static func carNotes(_ cars: [CarReport]) -> [String] {
        var notes: [String] = []
        let labels = Dictionary(grouping: cars.filter { $0.entry != nil }, by: \.carLabel)
        for (label, shared) in labels.sorted(by: { $0.key < $1.key }) {
            notes.append(
                "\(shared.count) cars are labelled \(label) (leading zeros lost in anonymisation); kept apart as "
                    + shared.sorted { ($0.entry ?? 0) < ($1.entry ?? 0) }.map(\.displayName).joined(separator: " and ")
                    + " by their runs of analysis rows")
        }
        for car in cars {
            let name = "car \(car.displayName)"
            if let penalty = car.penaltyMs, let total = car.resultsTotalTimeMs, let raceTime = car.raceTimeMs {
                notes.append(
                    "\(name): results time \(LapTimeText.format(total)) = race time \(LapTimeText.format(raceTime)) "
                        + "\(LapTimeText.delta(penalty)) (time penalty)")
            }
            if let laps = car.resultsLaps, laps != car.lapsCompleted {
                notes.append("\(name): results say \(laps) laps, the analysis file has \(car.lapsCompleted)")
            }
            if let onTrack = car.onTrackPosition, let position = car.finishingPosition, car.penaltyMs == nil,
                position - onTrack > 1
            {
                notes.append(
                    "\(name): P\(onTrack) on the road, classified P\(position) without a time penalty "
                        + "(moved back by a decision)")
            }
            if let official = car.resultsBestLapMs, let number = car.resultsBestLapNumber,
                official != car.bestLapMs || number != car.bestLapNumber
            {
                notes.append(
                    "\(name): organisers' best lap is lap \(number) (\(LapTimeText.format(official))); the analysis "
                        + "file's fastest from lap 2 is lap \(car.bestLapNumber.map(String.init) ?? "-") "
                        + "(\(car.bestLap ?? "-")), a lap they did not count")
            }
            if car.lapsCompleted == 0, car.status != nil {
                notes.append("\(name): in the results (\(car.status ?? "")) but not in the analysis file")
            }
        }
        return notes
    }

    /// `2025-07-20T16:43Z`.
    static func isoMinute(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute))Z"
    }
}
