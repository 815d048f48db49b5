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

    public init(name: String, method: String, everySeconds: Double, priority: String, enabled: Bool = true,
                maxAttempts: Int = 3) {
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
            name: "process-live-telemetry", method: "telemetry.ProcessLive", everySeconds: 10, priority: "high"),
        ScheduleEntryConfig(
            name: "check-alert-conditions", method: "alerts.CheckConditions", everySeconds: 45, priority: "high"),
        ScheduleEntryConfig(
            name: "update-strategy-predictions", method: "strategy.UpdatePredictions", everySeconds: 30,
            priority: "medium"),
    ]
}
