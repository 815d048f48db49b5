import Foundation
import RoadSenseProtocol

/// One periodic job of the beat schedule: which plugin method it calls, when (an interval or a cron expression
/// in an IANA time zone, optionally jittered), at which priority, with which limits, and what happens to slots
/// that came while no scheduler was running (`missedRunPolicy`).
public struct ScheduleEntryConfig: Codable, Sendable, Equatable {
    public var name: String
    /// The plugin method it calls, `service.Method`.
    public var method: String
    /// Interval entries: slots every this many seconds on the epoch-aligned grid. Exactly one of `everySeconds`
    /// and `cron` is set.
    public var everySeconds: Double?
    /// Cron entries: a five-field expression (Vixie grammar, `@daily` and friends), read in `timeZone`.
    public var cron: String?
    /// IANA zone of `cron` (and of the times `ctl schedule` shows); default UTC.
    public var timeZone: String
    /// Each slot fires up to this many seconds late, by a fixed amount per slot (0 = no jitter).
    public var jitterSeconds: Double
    /// `high`, `medium` or `low`.
    public var priority: String
    public var enabled: Bool
    /// Attempts before the call is given up (retryable status codes only); nil: its method's retry policy
    /// (the plugin manifest's `retry` / `methodRetry`, 3 by default).
    public var maxAttempts: Int?
    /// Deadline (soft time limit) of one attempt; default: the interval (for cron, the gap to the next slot).
    public var timeoutSeconds: Double?
    /// A call not started this long after it was scheduled is dropped as expired; default: the interval.
    public var expirySeconds: Double?
    /// Whether an unstarted call expires at all. Off for live telemetry: each batch carries samples no
    /// later call has, so dropping it would lose them.
    public var expires: Bool
    /// `runOnceNow` or `skipToNext` (see `ScheduleEntryState`).
    public var missedRunPolicy: String

    public init(
        name: String, method: String, everySeconds: Double? = nil, cron: String? = nil, timeZone: String = "UTC",
        jitterSeconds: Double = 0, priority: String, enabled: Bool = true, maxAttempts: Int? = nil,
        timeoutSeconds: Double? = nil, expirySeconds: Double? = nil, expires: Bool = true,
        missedRunPolicy: String = "skipToNext"
    ) {
        self.name = name
        self.method = method
        self.everySeconds = everySeconds
        self.cron = cron
        self.timeZone = timeZone
        self.jitterSeconds = jitterSeconds
        self.priority = priority
        self.enabled = enabled
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.expirySeconds = expirySeconds
        self.expires = expires
        self.missedRunPolicy = missedRunPolicy
    }

    /// The built-in schedule (`DefaultSchedule`) as configuration entries. Live telemetry never expires.
    public static let defaults: [ScheduleEntryConfig] = DefaultSchedule.entries.map { entry in
        var config = ScheduleEntryConfig(
            name: entry.name, method: entry.method, priority: entry.priority.name.lowercased(),
            expires: entry.name != "process-live-telemetry", missedRunPolicy: entry.missedRunPolicy.rawValue)
        switch entry.spec.timing {
        case .every(let seconds): config.everySeconds = seconds
        case .cron(let expression, let zone):
            config.cron = expression.source
            // Foundation calls UTC "GMT"; the configuration says what a person would write.
            config.timeZone = zone.identifier == "GMT" ? "UTC" : zone.identifier
        }
        return config
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, method, everySeconds, cron, timeZone, jitterSeconds, priority, enabled, maxAttempts
        case timeoutSeconds, expirySeconds, expires, missedRunPolicy
    }

    /// The entry's slots and jitter; throws `badConfiguration` naming the bad field (`cron`, `timeZone`, …).
    /// The jitter seed is the entry's name, so every host agrees on each slot's delay.
    public func spec() throws -> ScheduleSpec {
        let base: ScheduleSpec
        switch (everySeconds, cron) {
        case (let seconds?, nil):
            guard seconds > 0 && seconds <= 366 * 86400 else {
                throw HostError(.badConfiguration, "everySeconds: must be > 0 and at most a year, got \(seconds)")
            }
            base = .every(seconds)
        case (nil, let text?):
            let expression: CronExpression
            do {
                expression = try CronExpression(text)
            } catch let error as HostError {
                throw HostError(.badConfiguration, "cron: \(error.reason)")
            }
            guard let zone = TimeZone(identifier: timeZone) else {
                throw HostError(
                    .badConfiguration, "timeZone: '\(timeZone)' is not an IANA time zone (e.g. America/Chicago)")
            }
            base = .cron(expression, zone)
        case (nil, nil): throw HostError(.badConfiguration, "everySeconds or cron: one of them is required")
        case (_?, _?): throw HostError(.badConfiguration, "everySeconds and cron: give one of them, not both")
        }
        guard jitterSeconds >= 0 && jitterSeconds <= 86400 && jitterSeconds.isFinite else {
            throw HostError(.badConfiguration, "jitterSeconds: must be 0…86400, got \(jitterSeconds)")
        }
        return jitterSeconds > 0 ? base.jittered(upTo: jitterSeconds, seed: Self.seed(name)) : base
    }

    /// FNV-1a of the name: a jitter seed that is the same on every host and run.
    static func seed(_ name: String) -> UInt64 {
        name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// The missed-run policy; throws naming the field when it is not one of the two.
    public func policy() throws -> ScheduleEntryState.MissedRunPolicy {
        guard let policy = ScheduleEntryState.MissedRunPolicy(rawValue: missedRunPolicy) else {
            throw HostError(
                .badConfiguration, "missedRunPolicy: must be runOnceNow or skipToNext, got '\(missedRunPolicy)'")
        }
        return policy
    }
}
