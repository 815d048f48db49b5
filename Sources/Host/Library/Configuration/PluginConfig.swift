/// A plugin the host starts and supervises.
public struct PluginConfig: Codable, Sendable, Equatable {
    public var name: String
    /// Executable name or path; a bare name is looked up next to the `roadsense` binary.
    public var executable: String
    public var arguments: [String]
    public var methods: [String]
    /// Processes to run; 0 = none started by the host (e.g. the plugin runs on another machine).
    public var replicas: Int
    /// Calls each process may hold at once.
    public var credits: Int
    /// Extra environment variables for the plugin's processes (on top of the host's own).
    public var environment: [String: String] = [:]
    /// Restart policy: a crashed replica comes back at once after its first crash, then after
    /// `restartBackoffMs` doubling per further consecutive crash, at most `restartBackoffCapMs`. A replica that ran `restartWindowSeconds` without crashing starts
    /// over at the base delay.
    public var restartBackoffMs: Int = 500
    public var restartBackoffCapMs: Int = 30_000
    /// Restart intensity: more than `maxRestarts` crashes of this plugin's replicas within
    /// `restartWindowSeconds` marks the plugin FAILED (no more restarts, a CRITICAL alert) until
    /// `roadsense ctl restart PLUGIN`.
    public var maxRestarts: Int = 5
    public var restartWindowSeconds: Int = 60
    /// Recycling: a replica that has answered this many calls (0 = no limit), or whose resident memory
    /// passes `maxMemoryMB` (0 = no limit), is replaced — the new process is serving before the old one is
    /// drained and stopped.
    public var maxCallsPerProcess: Int = 0
    public var maxMemoryMB: Int = 0
    /// Retry policy of every method this plugin serves (see `RetryPolicy`), unless `methodRetry` names it.
    public var retry: RetryPolicy = .standard
    /// Retry policies of single methods; keys a method's policy leaves out come from `retry`.
    public var methodRetry: [String: RetryPolicy] = [:]

    public init(
        name: String, executable: String, arguments: [String] = [], methods: [String], replicas: Int = 1,
        credits: Int = 1
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.methods = methods
        self.replicas = replicas
        self.credits = credits
    }

    public static let defaults: [PluginConfig] = [
        PluginConfig(name: "telemetry", executable: "roadsense-telemetry", methods: ["telemetry.ProcessLive"]),
        PluginConfig(name: "strategy", executable: "roadsense-strategy", methods: ["strategy.UpdatePredictions"]),
        PluginConfig(
            name: "alerts", executable: "roadsense-alerts",
            methods: ["alerts.CheckConditions", "alerts.AcknowledgeStale"]
        ),
        PluginConfig(name: "ingest", executable: "roadsense-ingest", methods: ["ingest.IngestExternal"]),
        PluginConfig(name: "weather", executable: "roadsense-weather", methods: ["weather.Update"]),
        PluginConfig(
            name: "analytics", executable: "roadsense-analytics",
            methods: ["analytics.GeneratePerformance", "analytics.UpdateCompetitors"]),
        PluginConfig(name: "simulation", executable: "roadsense-simulation", methods: ["simulation.RunBatch"]),
        PluginConfig(
            name: "maintenance", executable: "roadsense-maintenance",
            methods: ["maintenance.CleanupTelemetry", "maintenance.CleanupAlerts"]),
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, executable, arguments, methods, replicas, credits, environment
        case restartBackoffMs, restartBackoffCapMs, maxRestarts, restartWindowSeconds
        case maxCallsPerProcess, maxMemoryMB, retry, methodRetry
    }

    /// `name`, `executable` and `methods` are required; one replica with one credit by default.
    public init(from decoder: Decoder) throws {
        try AnyConfigurationKey.refuseUnknown(in: decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        executable = try c.decode(String.self, forKey: .executable)
        arguments = try c.decodeIfPresent([String].self, forKey: .arguments) ?? []
        methods = try c.decode([String].self, forKey: .methods)
        replicas = try c.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        credits = try c.decodeIfPresent(Int.self, forKey: .credits) ?? 1
        let base = PluginConfig(name: name, executable: executable, methods: methods)
        environment = try c.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
        restartBackoffMs = try c.decodeIfPresent(Int.self, forKey: .restartBackoffMs) ?? base.restartBackoffMs
        restartBackoffCapMs = try c.decodeIfPresent(Int.self, forKey: .restartBackoffCapMs) ?? base.restartBackoffCapMs
        maxRestarts = try c.decodeIfPresent(Int.self, forKey: .maxRestarts) ?? base.maxRestarts
        restartWindowSeconds =
            try c.decodeIfPresent(Int.self, forKey: .restartWindowSeconds) ?? base.restartWindowSeconds
        maxCallsPerProcess = try c.decodeIfPresent(Int.self, forKey: .maxCallsPerProcess) ?? base.maxCallsPerProcess
        maxMemoryMB = try c.decodeIfPresent(Int.self, forKey: .maxMemoryMB) ?? base.maxMemoryMB
        retry = try c.decodeIfPresent(RetryPolicy.self, forKey: .retry) ?? .standard
        let perMethod = try c.decodeIfPresent([String: RetryPolicy.Patch].self, forKey: .methodRetry) ?? [:]
        let pluginWide = retry
        methodRetry = perMethod.mapValues { $0.applied(to: pluginWide) }
    }

    /// The retry policy of `method` when this plugin serves it.
    public func retryPolicy(for method: String) -> RetryPolicy { methodRetry[method] ?? retry }

    /// Refuses settings that cannot work; `refuse(key, rule)` makes the error (the caller adds where).
    func validate(refuse: (String, String) -> Error) throws {
        guard (0...64).contains(replicas) else { throw refuse("replicas", "must be 0…64, got \(replicas)") }
        guard (1...1024).contains(credits) else { throw refuse("credits", "must be 1…1024, got \(credits)") }
        guard !methods.isEmpty else { throw refuse("methods", "must name at least one method") }
        guard (10...600_000).contains(restartBackoffMs) else {
            throw refuse("restartBackoffMs", "must be 10…600000 ms, got \(restartBackoffMs)")
        }
        guard (restartBackoffMs...3_600_000).contains(restartBackoffCapMs) else {
            throw refuse(
                "restartBackoffCapMs", "must be restartBackoffMs…3600000 ms, got \(restartBackoffCapMs)")
        }
        guard (0...10_000).contains(maxRestarts) else {
            throw refuse("maxRestarts", "must be 0…10000, got \(maxRestarts)")
        }
        guard (1...86_400).contains(restartWindowSeconds) else {
            throw refuse("restartWindowSeconds", "must be 1…86400 s, got \(restartWindowSeconds)")
        }
        guard maxCallsPerProcess >= 0 else {
            throw refuse("maxCallsPerProcess", "must be 0 (no limit) or more, got \(maxCallsPerProcess)")
        }
        guard maxMemoryMB == 0 || (16...1_048_576).contains(maxMemoryMB) else {
            throw refuse("maxMemoryMB", "must be 0 (no limit) or 16…1048576 MB, got \(maxMemoryMB)")
        }
        try retry.validate { key, rule in refuse("retry.\(key)", rule) }
        for (method, policy) in methodRetry.sorted(by: { $0.key < $1.key }) {
            guard methods.contains(method) else {
                throw refuse(
                    "methodRetry.\(method)",
                    "\(method) is not one of this plugin's methods (\(methods.joined(separator: ", ")))")
            }
            try policy.validate { key, rule in refuse("methodRetry.\(method).\(key)", rule) }
        }
    }
}
