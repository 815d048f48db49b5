import Foundation

/// The pit-wall alert rules that need no memory: telemetry thresholds on one frame, lap-time drop, stale feed,
/// caution. The alerts plugin runs them through `AlertMonitor`, which adds the rules with memory, hysteresis and
/// escalation (docs/alerts.md); `evaluate` is the stateless set the Python example plugin mirrors.
///
/// Every alert has a natural-key `alertID` (`rule/car/subject`) so evaluating the same situation
/// again yields the same id and the consumer can de-duplicate. For the telemetry-based rules
/// (threshold, stale feed) the car part is the vehicle id, which stays the same when the car is later
/// matched to a timing-sheet number (`GR86-002-000` would otherwise become `2` mid-race and raise the
/// alert again), and the race number only without a vehicle id. For the lap rules, whose laps come from
/// the timing sheet, it is the race number when known, else the vehicle id. Messages name the car by
/// its race number when known.
public struct AlertRules: Sendable {
    /// Rule limits. Telemetry defaults come from the barber heads (`R1_barber_telemetry_data_sample.csv`,
    /// `R2_sample_telemetry.csv`, car GR86-002-000): `nmot` 4862–7220 rpm, `pbrake_f` 0–37.7 bar,
    /// `speed` 67.8–136.8 km/h; barber R1 green laps sit within ~2 % of each car's best lap.
    public struct Thresholds: Sendable, Equatable {
        /// Above the 7220 rpm peak seen in the data (the car's shift point); critical near the limiter.
        public var rpmWarning: Double = 7_300
        public var rpmCritical: Double = 7_500
        /// Front brake pressure: the heads peak at 37.7 bar; 60 bar is well past normal use.
        public var brakeWarningBar: Double = 60
        public var brakeCriticalBar: Double = 80
        /// Lap-time drop: the latest judged green lap against the median and MAD of the car's previous judged green
        /// laps (at most `lapBaselineLaps`, at least `lapMinBaselineLaps`: 2, so an incident after an early caution
        /// is still judged). Raised when it is more than `lapRobustZ`
        /// robust deviations (max(1.4826 · MAD, 0.5 % of the median)) *and* `lapDropWarning` slower than that
        /// median; CRITICAL beyond `lapDropCritical` as well. Barber R1's clean laps spread by 0.2–0.6 % per car.
        public var lapRobustZ: Double = 4
        public var lapDropWarning: Double = 0.02
        public var lapDropCritical: Double = 0.06
        public var lapBaselineLaps = 10
        public var lapMinBaselineLaps = 2
        /// No sample from a car for this long (the data's largest gap between samples is 1.34 s).
        public var staleWarningMs: Int64 = 5_000
        public var staleCriticalMs: Int64 = 15_000

        public init() {}
    }

    public var thresholds: Thresholds

    public init(thresholds: Thresholds = Thresholds()) {
        self.thresholds = thresholds
    }

    /// Evaluates all rules; alerts come sorted by severity (highest first), then id.
    public func evaluate(states: [CarState], laps: [LapRecord], feeds: [FeedStatus], nowMs: Int64) -> [Alert] {
        var alerts: [Alert] = []
        for state in states { alerts += thresholdAlerts(state, nowMs: nowMs) }
        alerts += lapTimeDropAlerts(laps, nowMs: nowMs)
        alerts += staleFeedAlerts(feeds, nowMs: nowMs)
        alerts += cautionAlerts(laps, nowMs: nowMs)
        return alerts.sorted { ($1.severity, $0.alertID) < ($0.severity, $1.alertID) }
    }

    // MARK: - Rules

    /// (a) rpm and front/rear brake pressure over their limits.
    func thresholdAlerts(_ state: CarState, nowMs: Int64) -> [Alert] {
        let frame = state.frame
        let checks: [(channel: String, value: Double?, warning: Double, critical: Double, unit: String)] = [
            ("nmot", frame.rpm, thresholds.rpmWarning, thresholds.rpmCritical, "rpm"),
            ("pbrake_f", frame.brakeFrontBar, thresholds.brakeWarningBar, thresholds.brakeCriticalBar, "bar"),
            ("pbrake_r", frame.brakeRearBar, thresholds.brakeWarningBar, thresholds.brakeCriticalBar, "bar"),
        ]
        let key = AlertRules.vehicleKey(vehicleID: frame.vehicleID, carNumber: frame.carNumber)
        let car = AlertRules.carKey(vehicleID: frame.vehicleID, carNumber: frame.carNumber)
        return checks.compactMap { check in
            guard let value = check.value, value > check.warning else { return nil }
            let severity: Severity = value > check.critical ? .critical : .warning
            let limit = severity == .critical ? check.critical : check.warning
            return Alert(
                alertID: "threshold/\(key)/\(check.channel)/lap-\(frame.lap)", vehicleID: frame.vehicleID,
                carNumber: frame.carNumber, rule: "threshold", severity: severity,
                message: "car \(car): \(check.channel) \(AlertRules.format(value)) \(check.unit) over the "
                    + "\(severity.name) limit \(AlertRules.format(limit)) \(check.unit) on lap \(frame.lap)",
                raisedMs: nowMs, lap: frame.lap, value: value, threshold: limit, channel: check.channel)
        }
    }

    /// (b) the car's latest judged green lap slower than its own recent spread allows: against the median and MAD
    /// of its previous judged green laps (FCY and pit laps ignored).
    ///
    /// A lap is judged only when it can be at racing pace: not lap 1 (standing or rolling start), not the restart
    /// lap (the car's previous lap crossed under FCY: the field is bunched and accelerates from caution speed), not
    /// the out-lap (the previous lap ended in the pit lane). Without this, sonoma R2 raised 57 of its 76 drops on
    /// laps 8 and 14, the laps after its two cautions. The alert's `threshold` is the drop the car's spread allowed
    /// (the larger of `lapDropWarning` and `lapRobustZ` deviations, in %), its `value` the drop (%).
    func lapTimeDropAlerts(_ laps: [LapRecord], nowMs: Int64) -> [Alert] {
        let byCar = Dictionary(grouping: laps) { AlertRules.carKey(vehicleID: $0.vehicleID, carNumber: $0.carNumber) }
        return byCar.keys.sorted().compactMap { car in
            let carLaps = byCar[car] ?? []
            let byNumber = Dictionary(carLaps.map { ($0.lap, $0) }) { first, _ in first }
            let green = carLaps.filter { $0.isGreen && ($0.lapTimeMs ?? 0) > 0 }.sorted { $0.lap < $1.lap }
            let judged = green.filter { !AlertRules.isSlowByNature(lap: $0.lap, previous: byNumber[$0.lap - 1]) }
            // Only the car's latest green lap is judged, and only when it is a judged one.
            guard let latest = green.last, judged.last == latest, let latestTime = latest.lapTimeMs else { return nil }
            let baseline = judged.dropLast().suffix(thresholds.lapBaselineLaps).compactMap(\.lapTimeMs).map(Double.init)
            guard baseline.count >= thresholds.lapMinBaselineLaps, let median = RobustStats.median(baseline),
                let mad = RobustStats.mad(baseline), median > 0
            else { return nil }
            let time = Double(latestTime)
            let deviation = max(1.4826 * mad, 0.005 * median)
            let drop = (time - median) / median
            let spreadLimit = thresholds.lapRobustZ * deviation / median
            let warningLimit = max(thresholds.lapDropWarning, spreadLimit)
            guard drop > warningLimit else { return nil }
            let criticalLimit = max(thresholds.lapDropCritical, spreadLimit)
            let severity: Severity = drop > criticalLimit ? .critical : .warning
            let limit = severity == .critical ? criticalLimit : warningLimit
            let z = (time - median) / deviation
            return Alert(
                alertID: "lap_time_drop/\(car)/lap-\(latest.lap)", vehicleID: latest.vehicleID,
                carNumber: latest.carNumber, rule: "lap_time_drop", severity: severity,
                message: "car \(car): lap \(latest.lap) \(AlertRules.lapText(latestTime)) is "
                    + "\(AlertRules.format(drop * 100))% off its median \(AlertRules.lapText(Int64(median.rounded()))) "
                    + "over \(baseline.count) green laps (MAD \(String(format: "%.3f", mad / 1000)) s, "
                    + "\(AlertRules.format(z)) robust deviations; \(severity.name) above \(AlertRules.format(limit * 100))%)",
                raisedMs: nowMs, lap: latest.lap, value: drop * 100, threshold: limit * 100, channel: "lap_time")
        }
    }

    /// (c) no sample from a car for too long.
    func staleFeedAlerts(_ feeds: [FeedStatus], nowMs: Int64) -> [Alert] {
        feeds.compactMap { feed in
            let silence = nowMs - feed.lastSampleMs
            guard silence > thresholds.staleWarningMs else { return nil }
            let severity: Severity = silence > thresholds.staleCriticalMs ? .critical : .warning
            let limit = severity == .critical ? thresholds.staleCriticalMs : thresholds.staleWarningMs
            let key = AlertRules.vehicleKey(vehicleID: feed.vehicleID, carNumber: feed.carNumber)
            let car = AlertRules.carKey(vehicleID: feed.vehicleID, carNumber: feed.carNumber)
            return Alert(
                alertID: "stale_feed/\(key)/since-\(feed.lastSampleMs)", vehicleID: feed.vehicleID,
                carNumber: feed.carNumber, rule: "stale_feed", severity: severity,
                message: "car \(car): no telemetry for \(AlertRules.format(Double(silence) / 1000)) s "
                    + "(\(severity.name) after \(AlertRules.format(Double(limit) / 1000)) s)",
                raisedMs: nowMs, lap: 0, value: Double(silence) / 1000, threshold: Double(limit) / 1000,
                channel: "feed")
        }
    }

    /// (d) INFO while the latest crossing of the line was under full-course yellow. The caution is named by the
    /// leader's lap when it came out (the most laps any car had completed at the first FCY crossing of the
    /// current run of FCY crossings), so the alert keeps one id for the whole caution period.
    func cautionAlerts(_ laps: [LapRecord], nowMs: Int64) -> [Alert] {
        let crossings = laps.filter { !$0.flag.isEmpty }.sorted { ($0.crossedMs, $0.lap) < ($1.crossedMs, $1.lap) }
        guard let last = crossings.last, last.flag == "FCY" else { return [] }
        var start = crossings.count - 1
        while start > 0, crossings[start - 1].flag == "FCY" { start -= 1 }
        let first = crossings[start]
        let leaderLap = crossings[...start].map(\.lap).max() ?? first.lap
        var latestByCar: [String: LapRecord] = [:]
        for lap in crossings {
            latestByCar[AlertRules.carKey(vehicleID: lap.vehicleID, carNumber: lap.carNumber)] = lap
        }
        let underCaution = latestByCar.values.filter { $0.flag == "FCY" }.count
        let firstCar = AlertRules.carKey(vehicleID: first.vehicleID, carNumber: first.carNumber)
        let since = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(first.crossedMs) / 1000))
        return [
            Alert(
                alertID: "caution/race/lap-\(leaderLap)", vehicleID: "", carNumber: nil, rule: "caution",
                severity: .info,
                message: "full-course yellow since the leader's lap \(leaderLap): car \(firstCar) crossed lap "
                    + "\(first.lap) under FCY at \(since); \(underCaution) of \(latestByCar.count) cars' latest "
                    + "laps under FCY",
                raisedMs: nowMs, lap: leaderLap, value: Double(underCaution), threshold: nil, channel: "flag")
        ]
    }

    /// Lap 1, the restart lap after a caution lap, and the out-lap after a pit stop: laps whose time says
    /// nothing about the car's pace. `previous` is the car's lap numbered `lap - 1`, when known.
    static func isSlowByNature(lap: Int, previous: LapRecord?) -> Bool {
        guard lap > 1 else { return true }
        guard let previous else { return false }
        return previous.flag == "FCY" || previous.pitIn
    }

    // MARK: - Formatting

    /// How telemetry-based alert ids name a car: the vehicle id (stable for the whole race), else the race
    /// number, else `unknown`.
    static func vehicleKey(vehicleID: String, carNumber: Int?) -> String {
        if !vehicleID.isEmpty { return vehicleID }
        return carNumber.map(String.init) ?? "unknown"
    }

    /// How lap alert ids and all messages name a car: the race number when known, else the vehicle id.
    static func carKey(vehicleID: String, carNumber: Int?) -> String {
        if let carNumber { return String(carNumber) }
        return vehicleID.isEmpty ? "unknown" : vehicleID
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// `97428` → `1:37.428`.
    static func lapText(_ ms: Int64) -> String {
        String(format: "%ld:%06.3f", ms / 60_000, Double(ms % 60_000) / 1000)
    }
}
