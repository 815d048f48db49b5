import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// `roadsense run`.
struct RunCommand {
    var config: HostConfiguration
    var replay: ReplayOptions?
    var watchPrefixes: [String]?
    /// The `--config` file, re-read by `ctl reload`.
    var configFile: String?
    /// The flags that override the file (re-applied by `ctl reload`).
    var overrides = ConfigurationOverrides()

    static func parse(_ cursor: inout ArgumentCursor) throws -> RunCommand {
        var configFile: String?
        var pluginsDirectory: String?
        var replayDirectory: String?
        var race = 1
        var speed = 30.0
        var store: String?
        var runtime: String?
        var level: String?
        var watch: [String]?
        var raceGiven = false
        var speedGiven = false
        while let argument = cursor.next() {
            raceGiven = raceGiven || argument == "--race"
            speedGiven = speedGiven || argument == "--speed"
            switch argument {
            case "--replay": replayDirectory = try cursor.value(for: argument)
            case "--race": race = try cursor.integer(for: argument, in: 1...99)
            case "--speed": speed = try cursor.number(for: argument, minimum: 0.01, maximum: 100_000)
            case "--config": configFile = try cursor.value(for: argument)
            case "--plugins-dir": pluginsDirectory = try cursor.value(for: argument)
            case "--store": store = try cursor.value(for: argument)
            case "--runtime-dir": runtime = try cursor.value(for: argument)
            case "--log-level": level = try cursor.value(for: argument)
            case "--watch":
                watch = (cursor.optionalValue() ?? "").split(separator: ",").map(String.init)
            default: throw HostError(.usage, "unknown option '\(argument)' for run")
            }
        }

        if replayDirectory == nil && (raceGiven || speedGiven) {
            throw HostError(.usage, "--race and --speed only apply to a replay: add --replay DIR")
        }
        if replayDirectory?.isEmpty == true { throw HostError(.usage, "--replay needs a directory") }
        if let level, Logger.Level(name: level) == nil {
            throw HostError(.usage, "--log-level: unknown level '\(level)'")
        }
        let overrides = ConfigurationOverrides(
            store: store, runtimeDirectory: runtime, pluginsDirectory: pluginsDirectory, logLevel: level)
        var config = try configFile.map { try HostConfiguration.load(file: $0) } ?? .defaults()
        try overrides.apply(to: &config)
        try Self.checkStoreDirectory(config.store)
        let replay = replayDirectory.map {
            ReplayOptions(directory: URL(fileURLWithPath: $0, isDirectory: true), race: race, speed: speed)
        }
        return RunCommand(
            config: config, replay: replay, watchPrefixes: watch, configFile: configFile, overrides: overrides)
    }

    /// A SQLite store named by the operator (`--store`, the configuration's `store`) must be in a directory
    /// that exists: a mistyped path would otherwise become a new empty store in a new directory, as `submit`
    /// and `ctl` refuse to. Only the default store (`$ROADSENSE_HOME`, `~/.local/state/roadsense`) makes its own.
    static func checkStoreDirectory(_ store: String) throws {
        guard case .sqlite(let path) = try StoreLocation.parse(store),
            StoreLocation.sqlite(path: path) != .defaultLocation()
        else { return }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard directory.isEmpty || FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw HostError(
                .badInput,
                "store \(store): the directory \(directory) does not exist; create it (mkdir -p \(directory)) or give "
                    + "another --store")
        }
        if !directory.isEmpty && !isDirectory.boolValue {
            throw HostError(.badInput, "store \(store): \(directory) is not a directory")
        }
    }

    func execute() throws -> Int32 {
        let logger = Logger(component: "host", minimum: Logger.Level(name: config.logLevel) ?? .info)
        let output = HostOutput()
        var subscriber: UpdateSubscriber?
        if let watchPrefixes {
            subscriber = UpdateSubscriber(endpoint: config.publishEndpoint, prefixes: watchPrefixes, output: output)
        }
        let host = try Host(config: config, replay: replay, logger: logger, output: output)
        host.configFile = configFile
        host.overrides = overrides
        host.onReady = { [unowned host] in
            // A tcp:// PUB with CURVE admits the watcher with the key pair the host made for its own plugins.
            subscriber?.curve = host.localClientKeys
            try subscriber?.start()
        }
        let summary = try host.run()
        subscriber?.finish(timeoutMs: 3000)
        output.clearLine()
        if subscriber == nil || subscriber?.sawSummary == false { print(UpdateFormatter.summary(summary)) }
        if host.interrupted && replay != nil {
            Console.error("roadsense: replay interrupted before the race ended\n")
            return 130
        }
        return host.anythingFailed ? 1 : 0
    }
}
