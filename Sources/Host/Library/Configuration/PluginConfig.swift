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
        case name, executable, arguments, methods, replicas, credits
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
    }
}
