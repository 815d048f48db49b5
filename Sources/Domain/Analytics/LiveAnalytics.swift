import Foundation

/// The periodic analytics of a race in progress, from the laps so far: per-car performance, the competitor
/// picture (gaps and recent pace in running order) and the weather trend. Pure functions; the analytics and
/// weather plugins are thin adapters over them, so better models can replace these one by one.
public enum LiveAnalytics {
    /// Laps that show a car's pace: from lap 2 on (lap 1 starts from the grid), green, not in or out of the pits.
    static func isPaceLap(_ lap: LapRecord) -> Bool {
        lap.lap >= 2 && lap.flag == "GF" && !lap.pitIn && lap.pitTimeMs == nil && (lap.lapTimeMs ?? 0) > 0
    }

    /// Per car: laps, best lap (from lap 2, the Al Kamel rule) and its number, theoretical best (sum of best
    /// sectors), top speed, median pace lap, position.
    public static func performance(laps: [LapRecord], nowMs: Int64) -> AnalyticsReport {
        let byCar = lapsByCar(laps)
        let cars = RunningOrder.standings(laps: laps).map { standing -> CarPerformance in
            let own = byCar[standing.carKey] ?? []
            let timed = own.filter { $0.lap >= 2 && ($0.lapTimeMs ?? 0) > 0 }
            let best = timed.min { ($0.lapTimeMs!, $0.lap) < ($1.lapTimeMs!, $1.lap) }
            let sectors = [own.compactMap(\.s1Ms).min(), own.compactMap(\.s2Ms).min(), own.compactMap(\.s3Ms).min()]
            return CarPerformance(
                vehicleID: standing.vehicleID, carNumber: standing.carNumber, lapsCompleted: standing.lapsCompleted,
                bestLapMs: best?.lapTimeMs, bestLapNumber: best?.lap,
                theoreticalBestMs: sectors.contains(nil) ? nil : sectors.compactMap { $0 }.reduce(0, +),
                topSpeedKph: own.compactMap(\.topSpeedKph).max(),
                medianGreenLapMs: CarReport.median(own.filter(isPaceLap).compactMap(\.lapTimeMs)),
                position: standing.position)
        }
        let fastest = cars.filter { $0.bestLapMs != nil }.min { $0.bestLapMs! < $1.bestLapMs! }
        let summary =
            fastest.map {
                "\(cars.count) cars; fastest lap \(LapTimeText.format($0.bestLapMs) ?? "?") by \(label($0)) "
                    + "on lap \($0.bestLapNumber ?? 0)"
            } ?? "\(cars.count) cars; no timed laps yet"
        return AnalyticsReport(kind: "performance", generatedMs: nowMs, cars: cars, weather: nil, summary: summary)
    }

    /// Running order with each car's gap to the car ahead (at the line, on this car's last completed lap; in laps
    /// when the car ahead has lapped it) and its recent pace: the median of its last five pace laps.
    public static func competitors(laps: [LapRecord], nowMs: Int64, recentLaps: Int = 5) -> AnalyticsReport {
        let byCar = lapsByCar(laps)
        let standings = RunningOrder.standings(laps: laps)
        var cars: [CarPerformance] = []
        var lines: [String] = []
        for (index, standing) in standings.enumerated() {
            let own = (byCar[standing.carKey] ?? []).sorted { $0.lap < $1.lap }
            let recent = own.filter(isPaceLap).suffix(recentLaps).compactMap(\.lapTimeMs)
            let car = CarPerformance(
                vehicleID: standing.vehicleID, carNumber: standing.carNumber, lapsCompleted: standing.lapsCompleted,
                bestLapMs: standing.bestLapMs, bestLapNumber: standing.bestLapNumber, theoreticalBestMs: nil,
                topSpeedKph: nil, medianGreenLapMs: CarReport.median(Array(recent)), position: standing.position)
            cars.append(car)

            var line = "P\(standing.position) \(label(car))"
            if index > 0 {
                // Timing-screen rule: the gap is taken where both crossed the line on the same lap; a car ahead
                // that crossed a later lap before this one's last crossing has lapped it.
                let ahead = byCar[standings[index - 1].carKey] ?? []
                let lapsDown = ahead.filter {
                    $0.lap > standing.lapsCompleted && $0.crossedMs <= standing.lastCrossedMs
                }
                if !lapsDown.isEmpty {
                    line += " +\(lapsDown.count) lap(s)"
                } else if let same = ahead.first(where: { $0.lap == standing.lapsCompleted }) {
                    line += String(format: " +%.3f s", Double(standing.lastCrossedMs - same.crossedMs) / 1000)
                }
            }
            if let pace = car.medianGreenLapMs { line += " pace \(LapTimeText.format(pace))" }
            lines.append(line)
        }
        return AnalyticsReport(
            kind: "competitor", generatedMs: nowMs, cars: cars, weather: nil,
            summary: lines.isEmpty ? "no laps yet" : lines.joined(separator: "; "))
    }

    /// The latest reading and how track temperature moved over `window` before it.
    public static func weather(samples: [WeatherSample], nowMs: Int64, windowMs: Int64 = 30 * 60_000)
        -> AnalyticsReport
    {
        let ordered = samples.filter { $0.timeMs <= nowMs }.sorted { $0.timeMs < $1.timeMs }
        guard let latest = ordered.last else {
            return AnalyticsReport(kind: "weather", generatedMs: nowMs, cars: [], weather: nil, summary: "no reading")
        }
        var parts = [
            "air \(format(latest.airTempC)) °C", "track \(format(latest.trackTempC)) °C",
            "humidity \(format(latest.humidityPct)) %", "wind \(format(latest.windSpeedKph)) km/h",
            latest.rain ? "rain" : "dry",
        ]
        let window = ordered.filter { $0.timeMs >= latest.timeMs - windowMs }
        if let first = window.first(where: { $0.trackTempC != nil }), let now = latest.trackTempC,
            let then = first.trackTempC, first.timeMs < latest.timeMs
        {
            let minutes = Double(latest.timeMs - first.timeMs) / 60_000
            parts.append(String(format: "track %+.1f °C over %.0f min", now - then, minutes))
        }
        return AnalyticsReport(
            kind: "weather", generatedMs: nowMs, cars: [], weather: latest, summary: parts.joined(separator: ", "))
    }

    static func lapsByCar(_ laps: [LapRecord]) -> [String: [LapRecord]] {
        let preferred = laps.contains { $0.source == .analysis } ? LapRecord.Source.analysis : .lapEnd
        return Dictionary(grouping: laps.filter { $0.source == preferred }) {
            CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber)
        }
    }

    static func label(_ car: CarPerformance) -> String {
        car.carNumber.map { "#\($0)" } ?? car.vehicleID
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "?" }
}
