/// One periodic job of the beat schedule.
public struct ScheduleEntryConfig: Codable, Sendable, Equatable {
    public var name: String
    /// The plugin method it calls, `service.Method`.
    public var method: String
    public var everySeconds: Double
    /// `high`, `medium` or `low`.
    public var priority: String
    public var enabled: Bool
    /// Attempts before the call is given up (retryable status codes only).
    public var maxAttempts: Int
    /// Soft time limit of one attempt; default: the interval.
    public var timeoutSeconds: Double?
    /// A call not started this long after it was scheduled is dropped as expired; default: the interval.
    public var expirySeconds: Double?
    /// Whether an unstarted call expires at all. Off for live telemetry: each batch carries samples no
    /// later call has, so dropping it would lose them.
    public var expires: Bool

    public init(
        name: String, method: String, everySeconds: Double, priority: String, enabled: Bool = true,
        maxAttempts: Int = 3, timeoutSeconds: Double? = nil, expirySeconds: Double? = nil, expires: Bool = true
    ) {
        self.expires = expires
        self.timeoutSeconds = timeoutSeconds
        self.expirySeconds = expirySeconds
        self.name = name
        self.method = method
        self.everySeconds = everySeconds
        self.priority = priority
        self.enabled = enabled
        self.maxAttempts = maxAttempts
    }

    /// The entries this version runs by default (more arrive with issue #5).
    public static let defaults: [ScheduleEntryConfig] = [
        ScheduleEntryConfig(
            name: "process-live-telemetry", method: "telemetry.ProcessLive", everySeconds: 10, priority: "high",
            expires: false),
        ScheduleEntryConfig(
            name: "check-alert-conditions", method: "alerts.CheckConditions", everySeconds: 45, priority: "high"),
        ScheduleEntryConfig(
            name: "update-strategy-predictions", method: "strategy.UpdatePredictions", everySeconds: 30,
            priority: "medium"),
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, method, everySeconds, priority, enabled, maxAttempts, timeoutSeconds, expirySeconds, expires
    }

    /// `name`, `method` and `everySeconds` are required; the rest default (medium priority, enabled,
    /// 3 attempts, limits = the interval).
    public init(from decoder: Decoder) throws {
        try AnyConfigurationKey.refuseUnknown(in: decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        method = try c.decode(String.self, forKey: .method)
        everySeconds = try c.decode(Double.self, forKey: .everySeconds)
        priority = try c.decodeIfPresent(String.self, forKey: .priority) ?? "medium"
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? 3
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
        expirySeconds = try c.decodeIfPresent(Double.self, forKey: .expirySeconds)
        expires = try c.decodeIfPresent(Bool.self, forKey: .expires) ?? true
    }
}
