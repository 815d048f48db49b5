import Foundation

/// The analytics plugins' reports, built from the live analytics as of the request's instant: the
/// performance report carries each car's `CarPace`, the competitor report its `CompetitorGap`, the weather
/// report the `WeatherConditions`. The summary is one line a person can read; the figures are in the cars.
extension AnalyticsReport {
    /// Per car in running order: best lap and its number, sectors and their deltas to the session best,
    /// theoretical best, top speed, consistency, green/caution/pit laps (`CarPace`), and the median clean lap.
    public static func performance(laps: [LapRecord], nowMs: Int64) -> AnalyticsReport {
        let history = LapHistory(laps: laps, asOfMs: nowMs)
        let paces = Dictionary(uniqueKeysWithValues: CarPace.all(history: history).map { ($0.carKey, $0) })
        let cars = RunningOrder.standings(laps: history.allLaps).map { standing in
            let pace = paces[standing.carKey]
            let clean = (history.byCar[standing.carKey] ?? []).filter(LapHistory.isCleanLap).compactMap(\.lapTimeMs)
            return CarPerformance(
                vehicleID: standing.vehicleID, carNumber: standing.carNumber, lapsCompleted: standing.lapsCompleted,
                bestLapMs: pace?.bestLapMs, bestLapNumber: pace?.bestLapNumber,
                theoreticalBestMs: pace?.theoreticalBestMs, topSpeedKph: pace?.topSpeedKph,
                medianGreenLapMs: CarReport.median(clean), position: standing.position, pace: pace)
        }

        var parts = ["\(cars.count) cars"]
        if let fastest = cars.filter({ $0.bestLapMs != nil }).min(by: { $0.bestLapMs! < $1.bestLapMs! }) {
            parts.append(
                "fastest lap \(LapTimeText.format(fastest.bestLapMs) ?? "?") by \(label(fastest)) "
                    + "on lap \(fastest.bestLapNumber ?? 0)")
        } else {
            parts.append("no timed laps yet")
        }
        let steady = cars.filter { $0.pace?.consistencyMs != nil }
        if let steadiest = steady.min(by: { $0.pace!.consistencyMs! < $1.pace!.consistencyMs! }) {
            parts.append(
                String(format: "steadiest %@ ±%.3f s", label(steadiest), Double(steadiest.pace!.consistencyMs!) / 1000))
        }
        return AnalyticsReport(
            kind: "performance", generatedMs: nowMs, cars: cars, weather: nil, summary: parts.joined(separator: "; "))
    }

    /// Per car in running order: gaps to the leader and the car ahead, laps behind, pace over the last five
    /// laps, closing rate, laps to contact and pit-stop threats (`CompetitorGap`).
    public static func competitors(laps: [LapRecord], nowMs: Int64) -> AnalyticsReport {
        let history = LapHistory(laps: laps, asOfMs: nowMs)
        let best = Dictionary(
            uniqueKeysWithValues: RunningOrder.standings(laps: history.allLaps).map { ($0.carKey, $0) })
        let cars = CompetitorGap.all(history: history).map { gap in
            CarPerformance(
                vehicleID: gap.vehicleID, carNumber: gap.carNumber, lapsCompleted: gap.lapsCompleted,
                bestLapMs: best[gap.carKey]?.bestLapMs, bestLapNumber: best[gap.carKey]?.bestLapNumber,
                theoreticalBestMs: nil, topSpeedKph: nil, medianGreenLapMs: gap.paceMs, position: gap.position,
                gap: gap)
        }

        let lines = cars.map { car -> String in
            var line = "P\(car.position ?? 0) \(label(car))"
            // At the line, on this car's latest lap; in laps only when the car ahead's time there is unknown.
            if let gap = car.gap, gap.position > 1 {
                if let ahead = gap.gapToAheadMs {
                    line += String(format: " +%.3f s", Double(ahead) / 1000)
                } else if gap.lapsBehindAhead > 0 {
                    line += " +\(gap.lapsBehindAhead) lap(s)"
                }
            }
            if let pace = car.gap?.paceMs { line += " pace \(LapTimeText.format(pace))" }
            return line
        }
        return AnalyticsReport(
            kind: "competitor", generatedMs: nowMs, cars: cars, weather: nil,
            summary: lines.isEmpty ? "no laps yet" : lines.joined(separator: "; "))
    }

    /// The conditions as of `nowMs`: the newest reading of each sensor (as `weather`), the air and track
    /// trends over `trendWindowMs`, rain now and rain seen.
    public static func weather(
        samples: [WeatherSample], nowMs: Int64, trendWindowMs: Int64 = WeatherConditions.trendWindowMs
    ) -> AnalyticsReport {
        guard let now = WeatherConditions.asOf(samples, asOfMs: nowMs, trendWindowMs: trendWindowMs) else {
            return AnalyticsReport(kind: "weather", generatedMs: nowMs, cars: [], weather: nil, summary: "no reading")
        }
        let latest = WeatherSample(
            timeMs: now.timeMs, airTempC: now.airTempC, trackTempC: now.trackTempC, humidityPct: now.humidityPct,
            pressureHPa: now.pressureHPa, windSpeedKph: now.windSpeedKph, windDirectionDeg: now.windDirectionDeg,
            rain: now.raining)

        func reading(_ value: Double?, _ unit: String, trend: Double?? = .none) -> String {
            var text = value.map { String(format: "%.1f %@", $0, unit) } ?? "—"
            if case .some(.some(let slope)) = trend { text += String(format: " (%+.1f °C/h)", slope) }
            return text
        }
        let rain = now.raining ? "rain" : now.rainSeen ? "dry (rain earlier)" : "dry"
        let summary = [
            "air \(reading(now.airTempC, "°C", trend: .some(now.airTempTrendCPerHour)))",
            "track \(reading(now.trackTempC, "°C", trend: .some(now.trackTempTrendCPerHour)))",
            "humidity \(reading(now.humidityPct, "%"))", "wind \(reading(now.windSpeedKph, "km/h"))", rain,
        ].joined(separator: ", ")
        return AnalyticsReport(
            kind: "weather", generatedMs: nowMs, cars: [], weather: latest, summary: summary, conditions: now)
    }

    static func label(_ car: CarPerformance) -> String {
        car.carNumber.map { "#\($0)" } ?? car.vehicleID
    }
}
