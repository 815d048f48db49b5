import Foundation
import RaceDomain
import RoadSenseProtocol

/// One readable line per broadcast update, for `roadsense watch` and `run --watch`.
public enum UpdateFormatter {
    public static func line(_ update: Update) -> String {
        let topic = update.topic.padding(toLength: max(update.topic.count + 2, 24), withPad: " ", startingAt: 0)
        switch update.body {
        case .carState(let s): return topic + carState(s, publishedMs: update.publishedMs)
        case .prediction(let p): return topic + prediction(p)
        case .alert(let a): return topic + alert(a)
        case .lap(let l): return topic + lap(l)
        case .weather(let w): return topic + weather(w)
        case .report(let r): return report(r).map { topic + $0 }.joined(separator: "\n")
        case .summary(let s): return summary(s)
        case .simulation(let b): return topic + simulation(b)
        case .maintenance(let m): return topic + "\(m.task): \(m.summary)"
        case .ingest(let i): return topic + "ingest: \(i.summary)"
        }
    }

    static func carState(_ s: CarState) -> String {
        let f = s.frame
        // The lap on the timing sheet when timing knows the car (the ECU's own lap counter includes the
        // formation laps), else the ECU's; after the chequered flag, the laps of its race (not the cool-down lap).
        var parts = [
            s.finished
                ? "finished, \(s.lapsCompleted) laps"
                : s.lapsCompleted > 0 ? "lap \(s.lapsCompleted + 1)" : "lap \(f.lap)"
        ]
        if let p = s.position { parts.append("P\(p)") }
        if let d = f.lapDistanceM { parts.append(String(format: "%.0f m", d)) }
        if let v = f.speedKph { parts.append(String(format: "%.1f km/h", v)) }
        if let t = f.throttlePct { parts.append(String(format: "thr %.0f%%", t)) }
        if f.brakeFrontBar != nil || f.brakeRearBar != nil {
            parts.append(String(format: "brk %.1f/%.1f bar", f.brakeFrontBar ?? .nan, f.brakeRearBar ?? .nan))
        }
        if let g = f.gear { parts.append("gear \(g)") }
        if let r = f.rpm { parts.append(String(format: "%.0f rpm", r)) }
        if let b = s.bestLapMs { parts.append("best \(lapTime(b))") }
        parts.append("\(s.samples) samples")
        return parts.joined(separator: "  ")
    }

    /// A car state whose telemetry did not change in this window says how old its channels are.
    static func carState(_ s: CarState, publishedMs: Int64) -> String {
        var line = carState(s)
        let hasTelemetry = s.frame.speedKph != nil || s.frame.rpm != nil
        if s.samples == 0 && hasTelemetry && publishedMs > s.frame.timeMs {
            line += String(format: "  (telemetry %.0f s old)", Double(publishedMs - s.frame.timeMs) / 1000)
        }
        return line
    }

    /// `lap 14/27  tyres 13  deg +45±20 ms/lap  next 1:38.402 (1:37.811–1:39.105)  no stop pays (best L20 -40.1 s)
    /// caution L18-24  loss 57.2 s measured  conf 0.62  pace-rls v2 (14 races, 5144 clean laps)`.
    static func prediction(_ p: StrategyPrediction) -> String {
        let stderr = p.degradationStderr.map { String(format: " ±%.0f", $0) } ?? ""
        func seconds(_ ms: Double) -> String { String(format: "%+.1f s", ms / 1000) }
        var window: String
        if let open = p.pitWindowOpenLap, let close = p.pitWindowCloseLap {
            window = "pit laps \(open)-\(close)"
            if let best = p.bestStop { window += " (best L\(best.lap) \(seconds(best.expectedGainMs)))" }
        } else if let best = p.bestStop {
            window = "no stop pays (best L\(best.lap) \(seconds(best.expectedGainMs)))"
        } else {
            window = "no stop"
        }
        if let open = p.cautionWindowOpenLap, let close = p.cautionWindowCloseLap {
            window += "  caution L\(open)-\(close)"
        }
        let interval =
            if let low = p.nextLapLowMs, let high = p.nextLapHighMs {
                " (\(lapTime(Int64(low.rounded())))–\(lapTime(Int64(high.rounded()))))"
            } else { "" }
        let loss =
            p.pitLossMs.map {
                String(format: "  loss %.1f s %@", $0 / 1000, p.pitLossStops > 0 ? "measured" : "model")
            } ?? ""
        return String(
            format: "lap %d/%d  tyres %d  deg %+.0f%@ ms/lap  next %@%@  %@%@  conf %.2f  %@", p.lapsCompleted,
            p.lapsCompleted + p.lapsRemaining, p.tyreAgeLaps, p.degradationMsPerLap, stderr,
            lapTime(Int64(exactly: p.predictedNextLapMs.rounded()) ?? 0), interval, window, loss, p.confidence,
            p.model)
    }

    static func alert(_ a: Alert) -> String {
        let subject =
            a.vehicleID.isEmpty && a.carNumber == nil
            ? "race" : "car \(CarKey.of(vehicleID: a.vehicleID, carNumber: a.carNumber))"
        return "\(subject)  \(a.rule)  \(a.message)"
    }

    static func lap(_ l: LapRecord) -> String {
        var parts = ["lap \(l.lap)", l.lapTimeMs.map(lapTime) ?? "—"]
        if !l.flag.isEmpty { parts.append(l.flag) }
        if l.pitIn { parts.append("in pit") }
        if let v = l.topSpeedKph { parts.append(String(format: "top %.1f km/h", v)) }
        return parts.joined(separator: "  ")
    }

    static func weather(_ w: WeatherSample) -> String {
        func value(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "—" }
        return "air \(value(w.airTempC, "%.1f °C"))  track \(value(w.trackTempC, "%.1f °C"))  "
            + "humidity \(value(w.humidityPct, "%.0f%%"))  wind \(value(w.windSpeedKph, "%.1f km/h"))  "
            + (w.rain ? "RAIN" : "dry")
    }

    /// A report's summary, then one line per car that carries pace or gap figures (see `carPace`, `carGap`).
    static func report(_ r: AnalyticsReport) -> [String] {
        let perCar = r.cars.compactMap { car -> String? in
            let label =
                "P\(car.position.map(String.init) ?? "?") \(carLabel(CarKey.of(vehicleID: car.vehicleID, carNumber: car.carNumber)))"
            if let pace = car.pace { return label + "  " + carPace(pace) }
            if let gap = car.gap { return label + "  " + carGap(gap) }
            return nil
        }
        let head = r.kind == "competitor" && !perCar.isEmpty ? "\(r.cars.count) cars in running order" : r.summary
        return ["\(r.kind) report: \(head)"] + perCar
    }

    /// `best 1:37.428 (L8)  theo 1:37.390  S1 +0.000 S2 +0.072 S3 +0.188  σ 0.382 s/23 clean  green 25 caution 2
    /// pit L12  top 180.5 km/h`
    static func carPace(_ p: CarPace) -> String {
        func delta(_ ms: Int64?) -> String { ms.map { String(format: "+%.3f", Double($0) / 1000) } ?? "—" }
        var parts = ["best \(p.bestLapMs.map(lapTime) ?? "—")" + (p.bestLapNumber.map { " (L\($0))" } ?? "")]
        if let theoretical = p.theoreticalBestMs { parts.append("theo \(lapTime(theoretical))") }
        parts.append("S1 \(delta(p.s1DeltaMs)) S2 \(delta(p.s2DeltaMs)) S3 \(delta(p.s3DeltaMs))")
        let sigma = p.consistencyMs.map { String(format: "%.3f s", Double($0) / 1000) } ?? "—"
        parts.append("σ \(sigma)/\(p.cleanLaps) clean")
        parts.append("green \(p.greenLaps) caution \(p.cautionLaps)")
        parts.append(p.pitLaps.isEmpty ? "no pit" : "pit " + p.pitLaps.map { "L\($0)" }.joined(separator: ","))
        if let top = p.topSpeedKph { parts.append(String(format: "top %.1f km/h", top)) }
        return parts.joined(separator: "  ")
    }

    /// `+2.740 s to leader  +0.254 s to #72  pace 1:38.202  closing +0.035 s/lap  contact in 7.3 laps
    /// undercut threat #72`; a lapped car's gaps say how many laps down it is.
    static func carGap(_ g: CompetitorGap) -> String {
        func gap(_ ms: Int64?, laps: Int) -> String {
            let time = ms.map { String(format: "+%.3f s", Double($0) / 1000) } ?? "—"
            return laps > 0 ? "\(time) (\(laps) lap\(laps == 1 ? "" : "s") down)" : time
        }
        var parts: [String] = []
        if g.position > 1 {
            parts.append("\(gap(g.gapToLeaderMs, laps: g.lapsBehindLeader)) to leader")
            parts.append("\(gap(g.gapToAheadMs, laps: g.lapsBehindAhead)) to \(g.carAhead.map(carLabel) ?? "?")")
        } else {
            parts.append("leader")
        }
        parts.append("pace \(g.paceMs.map(lapTime) ?? "—")")
        if let closing = g.closingOnAheadMsPerLap {
            parts.append(
                String(format: "%@ %.3f s/lap", closing > 0 ? "closing" : "losing", Double(abs(closing)) / 1000))
        }
        if let contact = g.lapsToContact { parts.append(String(format: "contact in %.1f laps", contact)) }
        if let from = g.undercutThreatFrom { parts.append("undercut threat \(carLabel(from))") }
        if let from = g.overcutThreatFrom { parts.append("overcut threat \(carLabel(from))") }
        return parts.joined(separator: "  ")
    }

    /// `#13` for a race number, else the vehicle id.
    static func carLabel(_ key: String) -> String { Int(key) != nil ? "#\(key)" : key }

    public static func summary(_ s: RunSummary) -> String {
        var lines = [
            "── summary " + String(repeating: "─", count: 50),
            "cars \(s.cars)  laps \(s.laps)  telemetry samples \(s.samples)",
            "calls dispatched \(s.callsDispatched)  failed \(s.callsFailed)  predictions \(s.predictions)",
            "alerts  info \(s.alertsInfo)  warning \(s.alertsWarning)  critical \(s.alertsCritical)",
            "rows stored \(s.rowsStored)  wall time \(String(format: "%.1f", s.wallSeconds)) s",
        ]
        if s.badRows.isEmpty {
            lines.append("bad rows: none")
        } else {
            lines.append("bad or repaired rows:")
            for row in s.badRows {
                lines.append("  \(row.count)\t\(row.kind)\t\(row.file): \(row.reason)")
                if let example = row.example { lines.append("  \t\tfirst: \(example)") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `1:37.428`
    public static func lapTime(_ ms: Int64) -> String {
        guard ms > 0 else { return "—" }
        return String(format: "%d:%06.3f", ms / 60_000, Double(ms % 60_000) / 1000)
    }

    /// The three likeliest winners with their chances, then the three stops that move their car most, e.g.
    /// `simulation of 13 laps × 10000 runs, 23 stop options, 240000 races at 95123/s (pace-rls v2 …): #13 win 62%
    /// podium 97%, …; stops: #46 L20 P12.3→P15.1, …`.
    static func simulation(_ batch: SimulationBatch) -> String {
        guard !batch.cars.isEmpty else {
            return "simulation: nothing to simulate yet (no car with a green lap and laps left)"
        }
        func label(_ vehicleID: String, _ carNumber: Int?) -> String { carNumber.map { "#\($0)" } ?? vehicleID }
        let top = batch.cars.sorted { $0.winProbability > $1.winProbability }.prefix(3).map { car in
            label(car.vehicleID, car.carNumber)
                + String(format: " win %.0f%% podium %.0f%%", car.winProbability * 100, car.podiumProbability * 100)
        }
        let noStop = Dictionary(
            batch.cars.map { (CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber), $0.expectedPosition) }
        ) { first, _ in first }
        let moves = batch.options.compactMap { option -> (change: Double, text: String)? in
            guard let before = noStop[CarKey.of(vehicleID: option.vehicleID, carNumber: option.carNumber)] else {
                return nil
            }
            return (
                abs(option.expectedPosition - before),
                label(option.vehicleID, option.carNumber) + " L\(option.pitLap) "
                    + String(format: "P%.1f→P%.1f", before, option.expectedPosition)
            )
        }.sorted { $0.change > $1.change }.prefix(3).map(\.text)
        let speed = batch.runsPerSecond > 0 ? String(format: " at %.0f/s", batch.runsPerSecond) : ""
        let model = batch.model.isEmpty ? "" : " (\(batch.model))"
        return
            "simulation of \(batch.lapsRemaining) laps × \(batch.iterations) runs, \(batch.options.count) stop options, "
            + "\(batch.racesSimulated) races\(speed)\(model): " + top.joined(separator: ", ")
            + (moves.isEmpty ? "" : "; stops: " + moves.joined(separator: ", "))
    }
}
