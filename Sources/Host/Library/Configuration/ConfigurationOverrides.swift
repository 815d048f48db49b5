/// What `roadsense run`'s flags change over the configuration file: `--store`, `--runtime-dir`,
/// `--plugins-dir`, `--log-level`. Applied at start, and again to the file `ctl reload` re-reads, so a
/// reload compares the file with what the host runs like with like (a `--store` flag is not "a changed
/// store" just because the file names another).
public struct ConfigurationOverrides: Sendable, Equatable {
    public var store: String?
    public var runtimeDirectory: String?
    public var pluginsDirectory: String?
    public var logLevel: String?

    public init(
        store: String? = nil, runtimeDirectory: String? = nil, pluginsDirectory: String? = nil, logLevel: String? = nil
    ) {
        self.store = store
        self.runtimeDirectory = runtimeDirectory
        self.pluginsDirectory = pluginsDirectory
        self.logLevel = logLevel
    }

    /// `config` with the flags applied; manifests of `--plugins-dir` are read (and checked) here.
    func apply(to config: inout HostConfiguration) throws {
        if let runtimeDirectory { config.useRuntimeDirectory(runtimeDirectory) }
        if let store { config.store = store }
        if let pluginsDirectory {
            config.pluginsDirectory = pluginsDirectory
            config.plugins = try PluginManifests.apply(to: config.plugins, directory: pluginsDirectory)
            try config.validate(source: "--plugins-dir \(pluginsDirectory)")
        }
        if let logLevel { config.logLevel = logLevel }
    }
}
