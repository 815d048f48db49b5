import Foundation

/// The rules of `AlertMonitor`. Telemetry rules key their episodes by vehicle id (`AlertRules.vehicleKey`), lap
/// rules by race number (`AlertRules.carKey`), like the stateless rules.
extension AlertMonitor {
    typealias Channel = (name: String, unit: String, read: @Sendable (CarFrame) -> Double?)

    /// The channels that never hold one value for seconds while a car moves (gear, throttle and brakes do).
    static let stuckChannels: [Channel] = [
        ("nmot", "rpm", { $0.rpm }), ("speed", "km/h", { $0.speedKph }), ("accx_can", "g", { $0.accelLongG }),
        ("accy_can", "g", { $0.accelLatG }), ("Steering_Angle", "deg", { $0.steeringDeg }),
    ]

    // MARK: - Threshold, with hysteresis

    /// rpm and front/rear brake pressure: the peak of the frames new in this check (the latest state's frame
    /// when none) over the warning limit raises; it clears at or below the warning limit minus a margin.
    mutating func thresholdAlerts(_ car: String, frames: [CarFrame], nowMs: Int64) -> [Alert] {
        let t = rules.thresholds
        let checks: [(channel: Channel, warning: Double, critical: Double, margin: Double)] = [
            (("nmot", "rpm", { $0.rpm }), t.rpmWarning, t.rpmCritical, settings.rpmClearMargin),
            (
                ("pbrake_f", "bar", { $0.brakeFrontBar }), t.brakeWarningBar, t.brakeCriticalBar,
                settings.brakeClearMarginBar
            ),
            (
                ("pbrake_r", "bar", { $0.brakeRearBar }), t.brakeWarningBar, t.brakeCriticalBar,
                settings.brakeClearMarginBar
            ),
        ]
        let lap = frames.last?.lap ?? history[car]?.last?.lap ?? 0
        return checks.compactMap { check in
            let name = check.channel.name
            let peak = frames.compactMap(check.channel.read).max()
            let clearBelow = check.warning - check.margin
            guard
                let episode = gate(
                    "threshold/\(car)/\(name)", raise: peak.map { $0 > check.warning } ?? false,
                    clear: peak.map { $0 <= clearBelow } ?? true,
                    severity: (peak ?? 0) > check.critical ? .critical : .warning, lap: lap, nowMs: nowMs,
                    newID: { "threshold/\(car)/\(name)/lap-\(lap)" })
            else { return nil }
            let limit = episode.severity == .critical ? check.critical : check.warning
            let unit = check.channel.unit
            let now = peak.map { "peak \(AlertRules.format($0)) \(unit) since the last check" } ?? "no reading"
            return alert(
                episode, car: car, rule: "threshold",
                message: "car \(carName(car)): \(name) over the \(episode.severity.name) limit "
                    + "\(AlertRules.format(limit)) \(unit) since lap \(episode.lap); now \(now) "
                    + "(clears at or below \(AlertRules.format(clearBelow)) \(unit))",
                nowMs: nowMs, value: peak, threshold: limit, channel: name)
        }
    }

    // MARK: - Stuck or missing sensor

    /// A channel that keeps one value (or no value) for `stuckWarningMs` of continuous frames while the car moves.
    mutating func stuckSensorAlerts(_ car: String, nowMs: Int64) -> [Alert] {
        let frames = history[car] ?? []
        guard let latest = frames.last else { return [] }
        let speed = latest.speedKph ?? 0
        let moving = speed > settings.movingKph
        return Self.stuckChannels.compactMap { channel in
            let flatMs = moving ? Self.flatRunMs(frames, channel.read, maxGapMs: settings.maxFrameGapMs) : 0
            guard
                let episode = gate(
                    "stuck_sensor/\(car)/\(channel.name)", raise: flatMs >= settings.stuckWarningMs,
                    clear: flatMs < settings.stuckWarningMs / 2,
                    severity: flatMs >= settings.stuckCriticalMs ? .critical : .warning, lap: latest.lap,
                    nowMs: nowMs, newID: { "stuck_sensor/\(car)/\(channel.name)/lap-\(latest.lap)" })
            else { return nil }
            let limitMs = episode.severity == .critical ? settings.stuckCriticalMs : settings.stuckWarningMs
            let seconds = AlertRules.format(Double(flatMs) / 1000)
            let what =
                channel.read(latest).map { "\(channel.name) flat at \(AlertRules.format($0)) \(channel.unit)" }
                ?? "no \(channel.name) reading"
            return alert(
                episode, car: car, rule: "stuck_sensor",
                message: "car \(carName(car)): \(what) for \(seconds) s while moving at \(AlertRules.format(speed)) "
                    + "km/h (\(episode.severity.name) after \(AlertRules.format(Double(limitMs) / 1000)) s): "
                    + "check the sensor and its wiring",
                nowMs: nowMs, value: Double(flatMs) / 1000, threshold: Double(limitMs) / 1000, channel: channel.name)
        }
    }

    /// How long (car clock) the channel has kept its latest value (or had none) over continuous frames.
    static func flatRunMs(_ frames: [CarFrame], _ read: (CarFrame) -> Double?, maxGapMs: Int64) -> Int64 {
        guard let last = frames.last else { return 0 }
        let value = read(last)
        var start = time(of: last)
        var index = frames.count - 1
        while index > 0 {
            let earlier = frames[index - 1]
            guard read(earlier) == value, start - time(of: earlier) <= maxGapMs else { break }
            start = time(of: earlier)
            index -= 1
        }
        return time(of: last) - start
    }

    // MARK: - Brake imbalance

    /// Front and rear brake pressure apart by more than the limit, median over the check's braking frames.
    mutating func brakeImbalanceAlerts(_ car: String, frames: [CarFrame], nowMs: Int64) -> [Alert] {
        let braking = frames.compactMap { frame -> (front: Double, rear: Double)? in
            guard let front = frame.brakeFrontBar, let rear = frame.brakeRearBar,
                max(front, rear) > settings.brakingBar
            else { return nil }
            return (front, rear)
        }
        let imbalances = braking.map { abs($0.front - $0.rear) / max($0.front, $0.rear) * 100 }
        let median = imbalances.count >= settings.imbalanceMinSamples ? RobustStats.median(imbalances) : nil
        let lap = frames.last?.lap ?? 0
        guard
            let episode = gate(
                "brake_imbalance/\(car)", raise: (median ?? 0) > settings.imbalanceWarningPct,
                clear: (median ?? 0) <= settings.imbalanceWarningPct - settings.imbalanceClearMarginPct,
                severity: (median ?? 0) > settings.imbalanceCriticalPct ? .critical : .warning, lap: lap,
                nowMs: nowMs, newID: { "brake_imbalance/\(car)/lap-\(lap)" })
        else { return [] }
        let limit = episode.severity == .critical ? settings.imbalanceCriticalPct : settings.imbalanceWarningPct
        let detail =
            median.map { value in
                let front = RobustStats.median(braking.map(\.front)) ?? 0
                let rear = RobustStats.median(braking.map(\.rear)) ?? 0
                return "front and rear brake pressure \(AlertRules.format(value))% apart (median of "
                    + "\(braking.count) braking samples: front \(AlertRules.format(front)) bar, rear "
                    + "\(AlertRules.format(rear)) bar)"
            } ?? "no braking since the last check"
        return [
            alert(
                episode, car: car, rule: "brake_imbalance",
                message: "car \(carName(car)): \(detail); \(episode.severity.name) above "
                    + "\(AlertRules.format(limit))% since lap \(episode.lap): check brake balance and lines",
                nowMs: nowMs, value: median, threshold: limit, channel: "pbrake_f/pbrake_r")
        ]
    }

    // MARK: - Sector drop against the car's own spread

    /// The latest green lap's sectors against the median and MAD of the car's previous judged green laps: a
    /// sector more than `sectorRobustZ` robust deviations and `sectorDropWarning` slower than the car's median.
    /// Laps slow by nature (lap 1, restart, out-lap) are neither judged nor part of the baseline.
    func sectorDropAlerts(_ laps: [LapRecord], nowMs: Int64) -> [Alert] {
        let byCar = Dictionary(grouping: laps) { AlertRules.carKey(vehicleID: $0.vehicleID, carNumber: $0.carNumber) }
        return byCar.keys.sorted().flatMap { car -> [Alert] in
            let carLaps = byCar[car] ?? []
            let byNumber = Dictionary(carLaps.map { ($0.lap, $0) }) { first, _ in first }
            let green = carLaps.filter { $0.isGreen && ($0.lapTimeMs ?? 0) > 0 }.sorted { $0.lap < $1.lap }
            let judged = green.filter { !AlertRules.isSlowByNature(lap: $0.lap, previous: byNumber[$0.lap - 1]) }
            guard let latest = green.last, judged.last == latest else { return [] }
            let baseline = judged.dropLast().suffix(settings.sectorBaselineLaps)
            let sectors: [(name: String, read: (LapRecord) -> Int64?)] = [
                ("s1", { $0.s1Ms }), ("s2", { $0.s2Ms }), ("s3", { $0.s3Ms }),
            ]
            return sectors.compactMap { sector in
                let values = baseline.compactMap(sector.read).map(Double.init)
                guard let time = sector.read(latest).map(Double.init), values.count >= settings.sectorMinBaselineLaps,
                    let median = RobustStats.median(values), let mad = RobustStats.mad(values), median > 0
                else { return nil }
                let scale = max(1.4826 * mad, 0.005 * median)
                let z = (time - median) / scale
                let drop = (time - median) / median
                guard z > settings.sectorRobustZ, drop > settings.sectorDropWarning else { return nil }
                let severity: Severity = drop > settings.sectorDropCritical ? .critical : .warning
                let limit = severity == .critical ? settings.sectorDropCritical : settings.sectorDropWarning
                return Alert(
                    alertID: "sector_drop/\(car)/lap-\(latest.lap)/\(sector.name)", vehicleID: latest.vehicleID,
                    carNumber: latest.carNumber, rule: "sector_drop", severity: severity,
                    message: "car \(car): lap \(latest.lap) \(sector.name.uppercased()) "
                        + "\(AlertRules.format(time / 1000)) s is \(AlertRules.format(drop * 100))% off its median "
                        + "\(String(format: "%.3f", median / 1000)) s over \(values.count) green laps (MAD "
                        + "\(String(format: "%.3f", mad / 1000)) s, \(AlertRules.format(z)) robust deviations)",
                    raisedMs: nowMs, lap: latest.lap, value: drop * 100, threshold: limit * 100, channel: sector.name)
            }
        }
    }

    // MARK: - Weather

    /// Rain at the track (WARNING) and a track temperature change of `trackTempJumpC` within the weather window
    /// (INFO), both with hysteresis: rain clears when the latest reading is dry, the temperature when the change
    /// is back under the limit minus 1 °C.
    mutating func weatherAlerts(nowMs: Int64) -> [Alert] {
        guard let latest = weatherHistory.last else { return [] }
        var alerts: [Alert] = []
        if let episode = gate(
            "weather/rain", raise: latest.rain, clear: !latest.rain, severity: .warning, lap: 0, nowMs: nowMs,
            newID: { "weather/track/rain/since-\(latest.timeMs)" })
        {
            alerts.append(
                alert(
                    episode, car: "", rule: "weather",
                    message: latest.rain
                        ? "rain at the track (weather station reading at \(Self.iso(latest.timeMs))): expect wet "
                            + "laps, review tyres and pit window" : "rain reported, latest reading dry",
                    nowMs: nowMs, value: latest.rain ? 1 : 0, threshold: 1, channel: "rain"))
        }
        let temperatures = weatherHistory.compactMap { sample in sample.trackTempC.map { (sample.timeMs, $0) } }
        guard let current = temperatures.last else { return alerts }
        let farthest = temperatures.max { abs($0.1 - current.1) < abs($1.1 - current.1) } ?? current
        let change = current.1 - farthest.1
        if let episode = gate(
            "weather/track_temp", raise: abs(change) >= settings.trackTempJumpC,
            clear: abs(change) < settings.trackTempJumpC - 1, severity: .info, lap: 0, nowMs: nowMs,
            newID: { "weather/track/track_temp/since-\(current.0)" })
        {
            let minutes = AlertRules.format(Double(current.0 - farthest.0) / 60_000)
            alerts.append(
                alert(
                    episode, car: "", rule: "weather",
                    message: "track temperature \(change >= 0 ? "rose" : "fell") \(AlertRules.format(abs(change))) °C "
                        + "in \(minutes) min (\(AlertRules.format(farthest.1)) → \(AlertRules.format(current.1)) °C; "
                        + "limit \(AlertRules.format(settings.trackTempJumpC)) °C): grip and tyre wear change",
                    nowMs: nowMs, value: change, threshold: settings.trackTempJumpC, channel: "track_temp"))
        }
        return alerts
    }

    static func iso(_ ms: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
