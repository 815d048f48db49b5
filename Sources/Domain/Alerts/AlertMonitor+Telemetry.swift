import Foundation

/// The telemetry rules of `AlertMonitor` that look at how a channel moves: rate of change over a second, and a
/// robust anomaly against the car's own last 30 seconds. Both key their episodes by vehicle id and channel.
extension AlertMonitor {
    /// A channel the rate-of-change rule watches, with its limits per second.
    struct RateChannel {
        var channel: Channel
        var warning: Double
        var critical: Double
        /// What a change this fast means, for the message.
        var meaning: String
    }

    var rateChannels: [RateChannel] {
        [
            RateChannel(
                channel: ("speed", "km/h", { $0.speedKph }), warning: settings.speedRateWarning,
                critical: settings.speedRateCritical,
                meaning: "faster than the car can brake or accelerate: a wheel-speed sensor fault, or an impact"),
            RateChannel(
                channel: ("nmot", "rpm", { $0.rpm }), warning: settings.rpmRateWarning,
                critical: settings.rpmRateCritical,
                meaning: "beyond any gear change: a stall, an over-rev on a missed shift, or an rpm sensor fault"),
        ]
    }

    /// The channels of the anomaly rule, with the smallest deviation that counts (a channel that barely moved in the
    /// baseline would otherwise make any change an anomaly).
    static let anomalyChannels: [(channel: Channel, floor: Double)] = [
        (("speed", "km/h", { $0.speedKph }), 2), (("nmot", "rpm", { $0.rpm }), 100),
        (("accy_can", "g", { $0.accelLatG }), 0.05),
    ]

    // MARK: - Rate of change

    /// The largest |change| per second over `rateWindowMs` among the frames new in this check: each new frame against
    /// the latest frame at least the window before it (not across a gap of more than `maxFrameGapMs` beyond it).
    /// Raised above the warning limit; clears at or below `rateClearFraction` of it once `holdMs` has passed.
    mutating func rateOfChangeAlerts(_ car: String, fresh: Int, nowMs: Int64) -> [Alert] {
        let frames = history[car] ?? []
        let first = max(0, frames.count - fresh)
        return rateChannels.compactMap { watched in
            let read = watched.channel.read
            var peak: (rate: Double, change: Double, seconds: Double, lap: Int)?
            var earlier = 0
            if first < frames.count {
                for index in first..<frames.count {
                    let now = Self.time(of: frames[index])
                    while earlier + 1 < index, Self.time(of: frames[earlier + 1]) <= now - settings.rateWindowMs {
                        earlier += 1
                    }
                    let then = Self.time(of: frames[earlier])
                    guard then <= now - settings.rateWindowMs,
                        now - then <= settings.rateWindowMs + settings.maxFrameGapMs,
                        let value = read(frames[index]), let before = read(frames[earlier])
                    else { continue }
                    let seconds = Double(now - then) / 1000
                    let rate = abs(value - before) / seconds
                    if rate > (peak?.rate ?? -1) { peak = (rate, value - before, seconds, frames[index].lap) }
                }
            }
            let name = watched.channel.name
            let lap = peak?.lap ?? frames.last?.lap ?? 0
            guard
                let episode = gate(
                    "rate_of_change/\(car)/\(name)", raise: (peak?.rate ?? 0) > watched.warning,
                    clear: (peak?.rate ?? 0) <= watched.warning * settings.rateClearFraction,
                    severity: (peak?.rate ?? 0) > watched.critical ? .critical : .warning, lap: lap, nowMs: nowMs,
                    newID: { "rate_of_change/\(car)/\(name)/lap-\(lap)" })
            else { return nil }
            let limit = episode.severity == .critical ? watched.critical : watched.warning
            let unit = watched.channel.unit
            let what =
                peak.map { peak in
                    "\(name) \(peak.change < 0 ? "fell" : "rose") \(AlertRules.format(abs(peak.change))) \(unit) in "
                        + "\(String(format: "%.2f", peak.seconds)) s (\(AlertRules.format(peak.rate)) \(unit)/s"
                        + (name == "speed" ? ", \(String(format: "%.1f", peak.rate / 35.30)) g" : "") + ")"
                } ?? "\(name) steady since the last check"
            return alert(
                episode, car: car, rule: "rate_of_change",
                message: "car \(carName(car)): \(what), \(watched.meaning); \(episode.severity.name) above "
                    + "\(AlertRules.format(limit)) \(unit)/s since lap \(episode.lap)",
                nowMs: nowMs, value: peak?.rate, threshold: limit, channel: name)
        }
    }

    // MARK: - Anomaly against the car's own recent baseline

    /// Each new reading (a frame whose value changed) against the median and MAD of the car's readings of that
    /// channel in the `anomalyBaselineMs` before it: raised when the largest |reading − median| / max(1.4826 · MAD,
    /// floor) of the check exceeds the channel's `anomalyRobustZ` (CRITICAL beyond twice it); clears at half the
    /// raise level. A baseline needs `anomalyMinBaselineSamples` readings spanning half its length.
    mutating func anomalyAlerts(_ car: String, fresh: Int, nowMs: Int64) -> [Alert] {
        let frames = history[car] ?? []
        let firstFresh = max(0, frames.count - fresh)
        return Self.anomalyChannels.compactMap { watched in
            let read = watched.channel.read
            // Readings: the frames where the channel's value changed (a new sample), with whether they are new.
            var readings: [(time: Int64, value: Double, lap: Int, fresh: Bool)] = []
            var last: Double?
            for (index, frame) in frames.enumerated() {
                guard let value = read(frame) else {
                    last = nil
                    continue
                }
                if value != last { readings.append((Self.time(of: frame), value, frame.lap, index >= firstFresh)) }
                last = value
            }
            var peak: (z: Double, value: Double, median: Double, mad: Double, count: Int, lap: Int)?
            var start = 0
            for (index, reading) in readings.enumerated() where reading.fresh {
                while start < index, readings[start].time < reading.time - settings.anomalyBaselineMs { start += 1 }
                let baseline = readings[start..<index]
                guard baseline.count >= settings.anomalyMinBaselineSamples,
                    let oldest = baseline.first, reading.time - oldest.time >= settings.anomalyBaselineMs / 2
                else { continue }
                let values = baseline.map(\.value)
                guard let median = RobustStats.median(values), let mad = RobustStats.mad(values) else { continue }
                let z = abs(reading.value - median) / max(1.4826 * mad, watched.floor)
                if z > (peak?.z ?? -1) { peak = (z, reading.value, median, mad, values.count, reading.lap) }
            }
            let name = watched.channel.name
            let lap = peak?.lap ?? frames.last?.lap ?? 0
            let raiseZ = settings.anomalyRobustZ[name] ?? 8
            guard
                let episode = gate(
                    "telemetry_anomaly/\(car)/\(name)", raise: (peak?.z ?? 0) > raiseZ,
                    clear: (peak?.z ?? 0) <= raiseZ / 2,
                    severity: (peak?.z ?? 0) > 2 * raiseZ ? .critical : .warning, lap: lap, nowMs: nowMs,
                    newID: { "telemetry_anomaly/\(car)/\(name)/lap-\(lap)" })
            else { return nil }
            let limit = episode.severity == .critical ? 2 * raiseZ : raiseZ
            let unit = watched.channel.unit
            let what =
                peak.map { peak in
                    "\(name) read \(AlertRules.format(peak.value)) \(unit) against its median "
                        + "\(AlertRules.format(peak.median)) \(unit) over the last "
                        + "\(AlertRules.format(Double(settings.anomalyBaselineMs) / 1000)) s (\(peak.count) readings, MAD "
                        + "\(AlertRules.format(peak.mad)) \(unit)): \(AlertRules.format(peak.z)) robust deviations"
                } ?? "\(name) back within its spread"
            return alert(
                episode, car: car, rule: "telemetry_anomaly",
                message: "car \(carName(car)): \(what); \(episode.severity.name) above \(AlertRules.format(limit)) "
                    + "since lap \(episode.lap): check the sensor, or what the car hit",
                nowMs: nowMs, value: peak?.z, threshold: limit, channel: name)
        }
    }
}
