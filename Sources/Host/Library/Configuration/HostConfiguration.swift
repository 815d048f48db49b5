import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// Everything the host needs to run. The built-in default is a complete, working configuration;
/// `--config FILE` (JSON) overrides any top-level key it names, and command-line flags override both.
public struct HostConfiguration: Codable, Sendable, Equatable {
    /// Where plugins connect (the host's ROUTER). `ipc://` locally; `tcp://` for plugins on other machines.
    public var pluginEndpoint: String
    /// Where subscribers connect (the host's PUB).
    public var publishEndpoint: String
    /// Private directory for ipc sockets and the host lock.
    public var runtimeDirectory: String
    public var store: String
    public var heartbeatIntervalMs: Int
    /// Missed heartbeats after which a peer is dead.
    public var liveness: Int
    /// How long after a call's deadline (its soft limit, when Cancel is sent) the worker is killed.
    public var hardLimitGraceMs: Int
    public var schedule: [ScheduleEntryConfig]
    public var plugins: [PluginConfig]
    public var logLevel: String

    public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> HostConfiguration
    {
        let runtime = RoadSensePaths.runtimeDirectory(environment: environment)
        return HostConfiguration(
            pluginEndpoint: "ipc://\(runtime)/plugins.ipc",
            publishEndpoint: "ipc://\(runtime)/updates.ipc",
            runtimeDirectory: runtime,
            store: StoreLocation.defaultLocation(environment: environment).description,
            heartbeatIntervalMs: 1000,
            liveness: 3,
            hardLimitGraceMs: 5000,
            schedule: ScheduleEntryConfig.defaults,
            plugins: PluginConfig.defaults,
            logLevel: "info")
    }

    /// Moves both ipc endpoints into `directory` (the `--runtime-dir` flag).
    public mutating func useRuntimeDirectory(_ directory: String) {
        runtimeDirectory = directory
        pluginEndpoint = "ipc://\(directory)/plugins.ipc"
        publishEndpoint = "ipc://\(directory)/updates.ipc"
    }

    enum CodingKeys: String, CodingKey {
        case pluginEndpoint, publishEndpoint, runtimeDirectory, store, heartbeatIntervalMs, liveness, schedule
        case hardLimitGraceMs
        case plugins, logLevel
    }

    init(
        pluginEndpoint: String, publishEndpoint: String, runtimeDirectory: String, store: String,
        heartbeatIntervalMs: Int, liveness: Int, hardLimitGraceMs: Int, schedule: [ScheduleEntryConfig], plugins: [PluginConfig],
        logLevel: String
    ) {
        self.pluginEndpoint = pluginEndpoint
        self.publishEndpoint = publishEndpoint
        self.runtimeDirectory = runtimeDirectory
        self.store = store
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.liveness = liveness
        self.hardLimitGraceMs = hardLimitGraceMs
        self.schedule = schedule
        self.plugins = plugins
        self.logLevel = logLevel
    }

    /// Decodes a partial file: keys it does not name keep their defaults.
    public init(from decoder: Decoder) throws {
        let base = HostConfiguration.defaults()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        runtimeDirectory = try c.decodeIfPresent(String.self, forKey: .runtimeDirectory) ?? base.runtimeDirectory
        pluginEndpoint =
            try c.decodeIfPresent(String.self, forKey: .pluginEndpoint) ?? "ipc://\(runtimeDirectory)/plugins.ipc"
        publishEndpoint =
            try c.decodeIfPresent(String.self, forKey: .publishEndpoint) ?? "ipc://\(runtimeDirectory)/updates.ipc"
        store = try c.decodeIfPresent(String.self, forKey: .store) ?? base.store
        heartbeatIntervalMs = try c.decodeIfPresent(Int.self, forKey: .heartbeatIntervalMs) ?? base.heartbeatIntervalMs
        liveness = try c.decodeIfPresent(Int.self, forKey: .liveness) ?? base.liveness
        hardLimitGraceMs = try c.decodeIfPresent(Int.self, forKey: .hardLimitGraceMs) ?? base.hardLimitGraceMs
        schedule = try c.decodeIfPresent([ScheduleEntryConfig].self, forKey: .schedule) ?? base.schedule
        plugins = try c.decodeIfPresent([PluginConfig].self, forKey: .plugins) ?? base.plugins
        logLevel = try c.decodeIfPresent(String.self, forKey: .logLevel) ?? base.logLevel
    }

    /// Reads a JSON configuration file; errors name the file and what is wrong with it.
    public static func load(file: String) throws -> HostConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw HostError(.badConfiguration, "cannot read configuration file \(file): missing or unreadable")
        }
        do {
            let config = try JSONDecoder().decode(HostConfiguration.self, from: data)
            try config.validate(source: file)
            return config
        } catch let error as HostError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.keyNotFound(_, context)
        {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw HostError(.badConfiguration, "configuration file \(file), field \(path): \(context.debugDescription)")
        } catch {
            throw HostError(.badConfiguration, "configuration file \(file) is not valid JSON: \(error)")
        }
    }

    /// Refuses settings that cannot work, naming the field.
    public func validate(source: String = "configuration") throws {
        guard heartbeatIntervalMs >= 50 else {
            throw HostError(.badConfiguration, "\(source): heartbeatIntervalMs must be ≥ 50, got \(heartbeatIntervalMs)")
        }
        guard liveness >= 1 else { throw HostError(.badConfiguration, "\(source): liveness must be ≥ 1") }
        for (index, entry) in schedule.enumerated() {
            guard entry.everySeconds > 0 else {
                throw HostError(.badConfiguration, "\(source): schedule.\(index) (\(entry.name)): everySeconds must be > 0")
            }
            guard Priority.named(entry.priority) != nil else {
                throw HostError(
                    .badConfiguration, "\(source): schedule.\(index) (\(entry.name)): priority must be high, medium or low")
            }
        }
        for (index, plugin) in plugins.enumerated() where plugin.replicas < 0 || plugin.credits < 1 {
            throw HostError(.badConfiguration, "\(source): plugins.\(index) (\(plugin.name)): replicas ≥ 0 and credits ≥ 1")
        }
    }
}
