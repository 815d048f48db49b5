/// The alert rules that need memory between checks: hysteresis and hold time, each car's recent telemetry,
/// escalation. One monitor lives in the alerts plugin's service, on its work thread (docs/alerts.md).
///
/// Per check it returns every alert currently raised: the stateless rules of `AlertRules` (lap-time drop, stale
/// feed) as they are, and the condition rules (threshold, stuck sensor, brake imbalance, rate of change, telemetry
/// anomaly, weather, caution) once
/// per episode: an episode opens when its value crosses the raise level, keeps the id it opened with, and closes
/// only when the value is back at or below the raise level minus a margin *and* `holdMs` has passed since it
/// opened. A value hovering around its limit therefore gives one alert, not one per check or per lap.
public struct AlertMonitor: Sendable {
    /// Limits of the condition rules; the telemetry thresholds themselves are `AlertRules.Thresholds`.
    public struct Settings: Sendable, Equatable {
        /// An rpm alert clears at or below its warning limit minus this.
        public var rpmClearMargin: Double = 200
        /// A brake pressure alert clears at or below its warning limit minus this.
        public var brakeClearMarginBar: Double = 5
        /// An episode stays raised at least this long once raised.
        public var holdMs: Int64 = 30_000
        /// How much of each car's telemetry is kept.
        public var historyMs: Int64 = 60_000
        /// A channel with the same value this long while the car moves is stuck (or missing). In the barber
        /// samples the longest run of one value while moving is 0.73 s (`Steering_Angle`); `nmot` and `speed`
        /// arrive at ~1.4 Hz, so a held frame value lasts at most 1.8 s.
        public var stuckWarningMs: Int64 = 5_000
        public var stuckCriticalMs: Int64 = 30_000
        public var movingKph: Double = 30
        /// A longer gap between two frames is missing data, not a flat line: the run is not counted across it.
        public var maxFrameGapMs: Int64 = 2_000
        /// Brake imbalance: |front − rear| / max(front, rear) over the frames where either is above
        /// `brakingBar`, median of the check's frames. The barber samples' rear/front ratio under braking is
        /// 0.98–1.14 (imbalance ≤ 12 %).
        public var brakingBar: Double = 10
        public var imbalanceWarningPct: Double = 25
        public var imbalanceCriticalPct: Double = 50
        public var imbalanceClearMarginPct: Double = 10
        public var imbalanceMinSamples = 5
        /// Sector drop: the latest judged green lap's sector against the median and MAD of the car's previous
        /// judged green laps (at most `sectorBaselineLaps`, at least `sectorMinBaselineLaps`).
        public var sectorBaselineLaps = 10
        public var sectorMinBaselineLaps = 3
        public var sectorRobustZ: Double = 5
        public var sectorDropWarning: Double = 0.05
        public var sectorDropCritical: Double = 0.10
        /// Rate of change: |change| per second over `rateWindowMs`. In the barber telemetry samples the largest over
        /// one second is 20 km/h/s for `speed` (0.6 g) and 1644 rpm/s for `nmot`; the car brakes at up to ~1.3 g
        /// (46 km/h/s). A rate alert clears at or below `rateClearFraction` of its warning limit.
        public var rateWindowMs: Int64 = 1_000
        public var speedRateWarning: Double = 50
        public var speedRateCritical: Double = 100
        public var rpmRateWarning: Double = 4_000
        public var rpmRateCritical: Double = 8_000
        public var rateClearFraction: Double = 0.7
        /// Telemetry anomaly: a reading against the median and MAD of the car's own readings of the last
        /// `anomalyBaselineMs`, raised beyond `anomalyRobustZ` robust deviations of its channel (CRITICAL beyond
        /// twice that). In the barber samples the largest deviation with a 30 s baseline is 5.5 robust deviations
        /// for `speed`, 2.4 for `nmot` and 3.6 for `accy_can`; each limit is at least 1.45 times that.
        public var anomalyBaselineMs: Int64 = 30_000
        public var anomalyMinBaselineSamples = 20
        public var anomalyRobustZ: [String: Double] = ["speed": 8, "nmot": 5, "accy_can": 6]
        /// Track temperature change within `weatherWindowMs` (the 14 races' largest in 15 min is 3.3 °C).
        public var trackTempJumpC: Double = 5
        public var weatherWindowMs: Int64 = 15 * 60_000
        /// A WARNING of a condition rule still raised and not acknowledged this long after it was first raised
        /// becomes CRITICAL.
        public var escalateAfterMs: Int64 = 5 * 60_000

        public init() {}
    }

    /// What one check sees: the request of `alerts.CheckConditions`, the frames and weather stored since the
    /// last check, and what the store knows of alerts raised before.
    public struct Input: Sendable {
        public var states: [CarState]
        public var laps: [LapRecord]
        public var feeds: [FeedStatus]
        public var frames: [CarFrame]
        public var weather: [WeatherSample]
        public var known: [String: AlertStatus]
        public var nowMs: Int64

        public init(
            states: [CarState] = [], laps: [LapRecord] = [], feeds: [FeedStatus] = [], frames: [CarFrame] = [],
            weather: [WeatherSample] = [], known: [String: AlertStatus] = [:], nowMs: Int64
        ) {
            self.states = states
            self.laps = laps
            self.feeds = feeds
            self.frames = frames
            self.weather = weather
            self.known = known
            self.nowMs = nowMs
        }
    }

    /// Rules whose WARNING escalates: conditions that persist until someone acts. A lap- or sector-time drop is
    /// about a lap already run, and a stale feed has its own CRITICAL level.
    public static let escalatingRules: Set<String> = [
        "threshold", "stuck_sensor", "brake_imbalance", "weather", "rate_of_change", "telemetry_anomaly",
    ]

    struct Episode: Sendable, Equatable {
        var alertID: String
        var openedMs: Int64
        /// The car's lap when it opened (0 when not about a car).
        var lap: Int
        var severity: Severity
    }

    public var rules: AlertRules
    public var settings: Settings
    private(set) var episodes: [String: Episode] = [:]
    private(set) var history: [String: [CarFrame]] = [:]
    private(set) var weatherHistory: [WeatherSample] = []
    private(set) var carNumbers: [String: Int] = [:]
    private(set) var vehicleIDs: [String: String] = [:]

    public init(rules: AlertRules = AlertRules(), settings: Settings = Settings()) {
        self.rules = rules
        self.settings = settings
    }

    /// Every alert raised now, sorted by severity (highest first), then id.
    public mutating func check(_ input: Input) -> [Alert] {
        let fresh = remember(input)
        var alerts = rules.lapTimeDropAlerts(input.laps, nowMs: input.nowMs)
        alerts += rules.staleFeedAlerts(input.feeds, nowMs: input.nowMs)
        alerts += rules.cautionAlerts(input.laps, nowMs: input.nowMs)
        alerts += sectorDropAlerts(input.laps, nowMs: input.nowMs)
        let cars = Set(fresh.keys).union(history.keys).sorted()
        for car in cars {
            alerts += thresholdAlerts(car, frames: fresh[car] ?? [], nowMs: input.nowMs)
            alerts += stuckSensorAlerts(car, nowMs: input.nowMs)
            alerts += brakeImbalanceAlerts(car, frames: fresh[car] ?? [], nowMs: input.nowMs)
            alerts += rateOfChangeAlerts(car, fresh: fresh[car]?.count ?? 0, nowMs: input.nowMs)
            alerts += anomalyAlerts(car, fresh: fresh[car]?.count ?? 0, nowMs: input.nowMs)
        }
        alerts += weatherAlerts(nowMs: input.nowMs)
        alerts = alerts.map { escalated($0, known: input.known[$0.alertID], nowMs: input.nowMs) }
        return alerts.sorted { ($1.severity, $0.alertID) < ($0.severity, $1.alertID) }
    }

    // MARK: - State

    /// Adds the input's frames (and each state's frame) to the cars' history and trims it; returns the frames
    /// new in this check by car.
    private mutating func remember(_ input: Input) -> [String: [CarFrame]] {
        var fresh: [String: [CarFrame]] = [:]
        for frame in input.frames + input.states.map(\.frame) {
            let car = AlertRules.vehicleKey(vehicleID: frame.vehicleID, carNumber: frame.carNumber)
            if let number = frame.carNumber { carNumbers[car] = number }
            vehicleIDs[car] = frame.vehicleID
            let known = history[car] ?? []
            guard known.last.map({ Self.time(of: $0) < Self.time(of: frame) }) ?? true else { continue }
            history[car, default: []].append(frame)
            fresh[car, default: []].append(frame)
        }
        for (car, frames) in history {
            guard let latest = frames.last else { continue }
            history[car] = frames.filter { Self.time(of: latest) - Self.time(of: $0) <= settings.historyMs }
        }
        let newWeather = input.weather.filter { sample in
            weatherHistory.last.map { $0.timeMs < sample.timeMs } ?? true
        }
        weatherHistory = (weatherHistory + newWeather.sorted { $0.timeMs < $1.timeMs }).filter {
            input.nowMs - $0.timeMs <= settings.weatherWindowMs
        }
        return fresh
    }

    /// The car's own clock when the frame has it (samples are spaced by it), else the receiver time.
    static func time(of frame: CarFrame) -> Int64 { frame.ecuTimeMs ?? frame.timeMs }

    /// Hysteresis and hold: opens an episode when `raise`, keeps it until `clear` holds `holdMs` after it opened.
    mutating func gate(
        _ key: String, raise: Bool, clear: Bool, severity: Severity, lap: Int, nowMs: Int64, newID: () -> String
    ) -> Episode? {
        if var episode = episodes[key] {
            if clear && nowMs - episode.openedMs >= settings.holdMs {
                episodes[key] = nil
                return nil
            }
            if raise { episode.severity = max(episode.severity, severity) }
            episodes[key] = episode
            return episode
        }
        guard raise else { return nil }
        let episode = Episode(alertID: newID(), openedMs: nowMs, lap: lap, severity: severity)
        episodes[key] = episode
        return episode
    }

    func carName(_ car: String) -> String { carNumbers[car].map(String.init) ?? car }

    func alert(
        _ episode: Episode, car: String, rule: String, message: String, nowMs: Int64, value: Double?,
        threshold: Double?, channel: String
    ) -> Alert {
        Alert(
            alertID: episode.alertID, vehicleID: vehicleIDs[car] ?? "", carNumber: carNumbers[car],
            rule: rule, severity: episode.severity, message: message, raisedMs: nowMs, lap: episode.lap, value: value,
            threshold: threshold, channel: channel)
    }

    // MARK: - Escalation

    /// A WARNING of an escalating rule, unacknowledged `escalateAfterMs` after it was first raised, is CRITICAL.
    func escalated(_ alert: Alert, known: AlertStatus?, nowMs: Int64) -> Alert {
        guard alert.severity == .warning, Self.escalatingRules.contains(alert.rule), known?.acknowledgedMs == nil
        else { return alert }
        let firstRaised = known?.firstRaisedMs ?? alert.raisedMs
        let waited = nowMs - firstRaised
        guard waited >= settings.escalateAfterMs else { return alert }
        var escalated = alert
        escalated.severity = .critical
        escalated.message =
            "ESCALATED (warning not acknowledged for \(AlertRules.format(Double(waited) / 60_000)) min): "
            + alert.message
        return escalated
    }
}
