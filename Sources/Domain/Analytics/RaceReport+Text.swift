import Foundation

extension RaceReport {
    /// The post-race review as plain text: header, weather, one table row per car, then notes and
    /// rejected rows.
    public func text() -> String {
        var lines: [String] = []
        lines.append("RoadSense post-race review — \(track) race \(race)")
        let offset = utcOffsetHours == utcOffsetHours.rounded() ? String(Int(utcOffsetHours)) : String(utcOffsetHours)
        lines.append("Folder: \(directory)   (timing-sheet HOUR = UTC \(utcOffsetHours >= 0 ? "+" : "")\(offset) h)")
        if let resultsFile, let resultsKind {
            lines.append("Results: \(resultsFile) (\(resultsKind))")
        } else {
            lines.append("Results: no results file (03_, 00_ or 05_) in the folder; positions are on-track only")
        }
        lines.append("Weather: \(weatherLine())")
        lines.append("")

        // The table.
        let header = [
            "Pos", "Road", "Car", "Laps", "Best", "on", "Theo best", "Gap theo", "Median GF", "Top kph", "GF/FCY",
            "Pit laps", "Penalty", "Status", "Vehicle",
        ]
        var rows: [[String]] = []
        for car in cars {
            let gap = car.bestLapMs.flatMap { best in car.theoreticalBestMs.map { LapTimeText.delta(best - $0) } }
            rows.append([
                car.finishingPosition.map(String.init) ?? "-", car.onTrackPosition.map(String.init) ?? "-",
                car.displayName, String(car.lapsCompleted), car.bestLap ?? "-",
                car.bestLapNumber.map { "L\($0)" } ?? "-", car.theoreticalBest ?? "-", gap ?? "-",
                car.medianGreenLap ?? "-", car.topSpeedKph.map { String(format: "%.1f", $0) } ?? "-",
                "\(car.greenLaps)/\(car.cautionLaps)",
                car.pitLaps.isEmpty ? "-" : car.pitLaps.map(String.init).joined(separator: ","),
                car.penaltyMs.map(LapTimeText.delta) ?? "", car.status ?? "",
                car.vehicleIDs.isEmpty ? "-" : car.vehicleIDs.joined(separator: ","),
            ])
        }
        lines += Self.table(header: header, rows: rows, leftAligned: [2, 11, 13, 14])

        if let fastest = cars.filter({ $0.bestLapMs != nil }).min(by: { $0.bestLapMs! < $1.bestLapMs! }) {
            lines.append("")
            lines.append(
                "Fastest lap: car \(fastest.displayName) \(fastest.bestLap ?? "-") on lap \(fastest.bestLapNumber ?? 0)"
            )
        }
        if !notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines += notes.map { "  - \($0)" }
        }
        lines.append("")
        lines.append("Files:")
        for file in files {
            var line =
                "  \(file.kind.padding(toLength: 17, withPad: " ", startingAt: 0)) \(file.file) (\(file.rows) rows"
            line += file.status == "used" ? ")" : ", \(file.status))"
            if let note = file.note { line += " — \(note)" }
            lines.append(line)
        }
        lines.append("")
        lines.append("Bad or ignored rows: \(badRowTotal)")
        for issue in badRows { lines.append("  \(issue.file) [\(issue.kind)] \(issue.reason): \(issue.count)") }
        return lines.joined(separator: "\n") + "\n"
    }

    func weatherLine() -> String {
        guard let weather else { return "no weather file" }
        func range(_ low: Double?, _ high: Double?, _ unit: String) -> String {
            guard let low, let high else { return "n/a" }
            return String(format: "%.1f–%.1f %@", low, high, unit)
        }
        return "air \(range(weather.airTempMinC, weather.airTempMaxC, "°C")), "
            + "track \(range(weather.trackTempMinC, weather.trackTempMaxC, "°C")), "
            + "humidity \(range(weather.humidityMinPct, weather.humidityMaxPct, "%")), "
            + (weather.rain ? "RAIN in \(weather.rainSamples) of \(weather.samples) samples" : "no rain")
            + " (\(weather.samples) samples, \(weather.file))"
    }

    /// Columns padded to their widest cell; numbers right-aligned, the listed columns left-aligned.
    static func table(header: [String], rows: [[String]], leftAligned: Set<Int>) -> [String] {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return leftAligned.contains(index) ? cell + padding : padding + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return [render(header), render(widths.map { String(repeating: "-", count: $0) })] + rows.map(render)
    }
}
