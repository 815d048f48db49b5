import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// Everything the host needs to run. The built-in default is a complete, working configuration;
/// `--config FILE` (JSON) overrides any top-level key it names, and command-line flags override both.
public struct HostConfiguration: Decodable, Sendable, Equatable {
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
    /// Queued durable calls kept whole in memory; past this many, a queued call keeps only its id and order
    /// in memory and is read back from the store when dispatched (so 100,000 queued calls fit in a few MB).
    public var residentQueuedCalls: Int = 10_000
    /// A directory of plugin manifests (`*.json`, one plugin each) applied on top of `plugins`.
    public var pluginsDirectory: String?
    /// On SIGTERM, how long calls in flight may run to completion before they go back to the queue.
    public var shutdownGraceMs: Int = 10_000
    /// SQLite only: how long a write waits for another process's lock on the database before it fails (and
    /// the pass it belongs to is rolled back and its calls retried).
    public var storeBusyTimeoutMs: Int = 10_000
    /// CURVE secret key of the host (a `roadsense keygen` `.key` file, mode 0600); required for `tcp://`.
    public var curveSecretKeyFile: String?
    /// Directory whose `*.pub` files are the public keys of the workers and subscribers allowed in.
    public var curveAllowedKeysDir: String?
    /// File of allowed public keys, one per line (`KEY [label]`, `#` comments).
    public var curveAllowedKeysFile: String?
    /// Allows a `tcp://` endpoint without CURVE: anyone who can reach the port can take calls. Tests only.
    public var insecureTcp: Bool = false
    /// Where the host spools its store writes while the store is unreachable (docs/outage.md); nil:
    /// `RUNTIME/spool`. Put it on a persistent disk when the runtime directory is a tmpfs.
    public var spoolDirectory: String?
    /// The most bytes the spool holds; past it, new writes are refused and counted (the oldest are kept).
    public var spoolMaxBytes: Int = 512 << 20

    /// The spool directory in effect.
    public var effectiveSpoolDirectory: String { spoolDirectory ?? runtimeDirectory + "/spool" }
    /// For messages: the index of the configuration file's `schedule` item that made or changed each entry,
    /// by entry name (entries are merged with the built-in ones, so their position is not the file's).
    var scheduleItems: [String: Int] = [:]

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
    /// A configured non-ipc endpoint (`tcp://…`) stays where it is.
    public mutating func useRuntimeDirectory(_ directory: String) {
        runtimeDirectory = directory
        if pluginEndpoint.hasPrefix("ipc://") { pluginEndpoint = "ipc://\(directory)/plugins.ipc" }
        if publishEndpoint.hasPrefix("ipc://") { publishEndpoint = "ipc://\(directory)/updates.ipc" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pluginEndpoint, publishEndpoint, runtimeDirectory, store, heartbeatIntervalMs, liveness, schedule
        case hardLimitGraceMs, builtInSchedule
        case plugins, logLevel, residentQueuedCalls, shutdownGraceMs, storeBusyTimeoutMs, pluginsDirectory
        case curveSecretKeyFile, curveAllowedKeysDir, curveAllowedKeysFile, insecureTcp
        case spoolDirectory, spoolMaxBytes
    }

    init(
        pluginEndpoint: String, publishEndpoint: String, runtimeDirectory: String, store: String,
        heartbeatIntervalMs: Int, liveness: Int, hardLimitGraceMs: Int, schedule: [ScheduleEntryConfig],
        plugins: [PluginConfig],
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
        try AnyConfigurationKey.refuseUnknown(in: decoder, known: CodingKeys.self)
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
        // Schedule items change the built-in entry of the same name or add one (`builtInSchedule: false` starts
        // from none).
        let builtIn = try c.decodeIfPresent(Bool.self, forKey: .builtInSchedule) ?? true
        let patches = try c.decodeIfPresent([ScheduleEntryPatch].self, forKey: .schedule) ?? []
        for (index, patch) in patches.enumerated() { scheduleItems[patch.name] = index }
        do {
            schedule = try ScheduleEntryPatch.merge(builtIn ? base.schedule : [], patches)
        } catch let error as HostError {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [CodingKeys.schedule], debugDescription: error.reason))
        }
        plugins = try c.decodeIfPresent([PluginConfig].self, forKey: .plugins) ?? base.plugins
        logLevel = try c.decodeIfPresent(String.self, forKey: .logLevel) ?? base.logLevel
        residentQueuedCalls =
            try c.decodeIfPresent(Int.self, forKey: .residentQueuedCalls) ?? base.residentQueuedCalls
        shutdownGraceMs = try c.decodeIfPresent(Int.self, forKey: .shutdownGraceMs) ?? base.shutdownGraceMs
        storeBusyTimeoutMs =
            try c.decodeIfPresent(Int.self, forKey: .storeBusyTimeoutMs) ?? base.storeBusyTimeoutMs
        pluginsDirectory = try c.decodeIfPresent(String.self, forKey: .pluginsDirectory)
        curveSecretKeyFile = try c.decodeIfPresent(String.self, forKey: .curveSecretKeyFile)
        curveAllowedKeysDir = try c.decodeIfPresent(String.self, forKey: .curveAllowedKeysDir)
        curveAllowedKeysFile = try c.decodeIfPresent(String.self, forKey: .curveAllowedKeysFile)
        insecureTcp = try c.decodeIfPresent(Bool.self, forKey: .insecureTcp) ?? false
        spoolDirectory = try c.decodeIfPresent(String.self, forKey: .spoolDirectory)
        spoolMaxBytes = try c.decodeIfPresent(Int.self, forKey: .spoolMaxBytes) ?? base.spoolMaxBytes
    }

    /// Reads a JSON configuration file; errors name the file and what is wrong with it.
    public static func load(file: String) throws -> HostConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw HostError(.badConfiguration, "cannot read configuration file \(file): missing or unreadable")
        }
        try ConfigurationFile.checkSyntax(data, what: "configuration file \(file)")
        do {
            var config = try JSONDecoder().decode(HostConfiguration.self, from: data)
            if let directory = config.pluginsDirectory {
                // Relative to the configuration file.
                let base = (file as NSString).deletingLastPathComponent
                let path = directory.hasPrefix("/") || base.isEmpty ? directory : base + "/" + directory
                config.pluginsDirectory = path
                config.plugins = try PluginManifests.apply(to: config.plugins, directory: path)
            }
            try config.validate(source: "configuration file \(file)")
            return config
        } catch let error as HostError {
            throw error
        } catch let error as DecodingError {
            throw HostError(.badConfiguration, "configuration file \(file), \(ConfigurationFile.describe(error))")
        } catch {
            throw HostError(.badConfiguration, "configuration file \(file) is not valid JSON: \(error)")
        }
    }

    /// Refuses settings that cannot work, naming the field.
    public func validate(source: String = "configuration") throws {
        func refuse(_ field: String, _ rule: String) -> HostError {
            HostError(.badConfiguration, "\(source), field \(field): \(rule)")
        }
        guard (50...60_000).contains(heartbeatIntervalMs) else {
            throw refuse("heartbeatIntervalMs", "must be 50…60000 ms, got \(heartbeatIntervalMs)")
        }
        guard (1...100).contains(liveness) else { throw refuse("liveness", "must be 1…100, got \(liveness)") }
        guard (0...3_600_000).contains(hardLimitGraceMs) else {
            throw refuse("hardLimitGraceMs", "must be 0…3600000 ms, got \(hardLimitGraceMs)")
        }
        guard (0...600_000).contains(shutdownGraceMs) else {
            throw refuse("shutdownGraceMs", "must be 0…600000 ms, got \(shutdownGraceMs)")
        }
        guard (0...600_000).contains(storeBusyTimeoutMs) else {
            throw refuse("storeBusyTimeoutMs", "must be 0…600000 ms, got \(storeBusyTimeoutMs)")
        }
        guard (0...10_000_000).contains(residentQueuedCalls) else {
            throw refuse("residentQueuedCalls", "must be 0…10000000 calls, got \(residentQueuedCalls)")
        }
        guard (1 << 20...1 << 40).contains(spoolMaxBytes) else {
            throw refuse("spoolMaxBytes", "must be 1 MiB…1 TiB (1048576…1099511627776 bytes), got \(spoolMaxBytes)")
        }
        guard Logger.Level(name: logLevel) != nil else {
            throw refuse("logLevel", "must be debug, info, warning or error, got '\(logLevel)'")
        }
        for endpoint in [pluginEndpoint, publishEndpoint] where endpoint.hasPrefix("ipc://") {
            // The kernel limits a unix socket path to 107 bytes.
            guard endpoint.utf8.count - "ipc://".count <= 107 else {
                throw refuse(
                    "runtimeDirectory",
                    "the ipc socket path \(endpoint) is longer than 107 bytes; use a shorter --runtime-dir")
            }
        }
        try validateSecurity(refuse)
        let year = 365.0 * 86_400
        let served = Set(plugins.flatMap(\.methods))
        var names = Set<String>()
        for entry in schedule {
            // The file's own item number; an entry no item touched is a built-in one.
            let field =
                scheduleItems[entry.name].map { "schedule.\($0) (\(entry.name))" }
                ?? "schedule (built-in \(entry.name))"
            guard names.insert(entry.name).inserted else { throw refuse(field + ".name", "two entries have this name") }
            do {
                _ = try entry.spec()
                _ = try entry.policy()
            } catch let error as HostError {
                throw HostError(.badConfiguration, "\(source), field \(field).\(error.reason)")
            }
            for (name, limit) in [("timeoutSeconds", entry.timeoutSeconds), ("expirySeconds", entry.expirySeconds)] {
                if let limit, !(limit > 0 && limit <= year) {
                    throw refuse(field + "." + name, "must be > 0 and at most a year, got \(limit)")
                }
            }
            if let attempts = entry.maxAttempts, !(1...100).contains(attempts) {
                throw refuse(field + ".maxAttempts", "must be 1…100, got \(attempts)")
            }
            guard Priority.named(entry.priority) != nil else {
                throw refuse(field + ".priority", "must be high, medium or low, got '\(entry.priority)'")
            }
            if entry.enabled && !served.contains(entry.method) {
                throw refuse(
                    field + ".method",
                    "no plugin in `plugins` serves \(entry.method)"
                        + (scheduleItems[entry.name] == nil
                            ? "; add the plugin, or switch the entry off: {\"name\": \"\(entry.name)\", \"enabled\": false}"
                            : ""))
            }
        }
        var pluginNames: Set<String> = []
        for (index, plugin) in plugins.enumerated() {
            let field = "plugins.\(index) (\(plugin.name))"
            guard pluginNames.insert(plugin.name).inserted else {
                throw refuse(field + ".name", "another plugin already has the name '\(plugin.name)'")
            }
            try plugin.validate { key, rule in refuse(field + "." + key, rule) }
        }
    }
}
