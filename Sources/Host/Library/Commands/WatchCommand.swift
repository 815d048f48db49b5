import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// `roadsense watch [PREFIX...]`: prints broadcast updates until interrupted (or the run's summary).
struct WatchCommand {
    var endpoint: String
    var prefixes: [String]
    var untilSummary: Bool
    /// For a `tcp://` PUB socket with CURVE: the host's public key and this subscriber's key pair.
    var curve: (serverKey: CurveKey, keys: CurveKeyPair)?
    /// The runtime directory the endpoint was derived from (no `--endpoint`): checked for a live host.
    var runtimeDirectory: String?

    static func parse(_ cursor: inout ArgumentCursor) throws -> WatchCommand {
        var endpoint: String?
        var runtime: String?
        var prefixes: [String] = []
        var untilSummary = false
        var serverKey: String?
        var secretKeyFile: String?
        while let argument = cursor.next() {
            switch argument {
            case "--endpoint": endpoint = try cursor.value(for: argument)
            case "--runtime-dir": runtime = try cursor.value(for: argument)
            case "--until-summary": untilSummary = true
            case "--server-key": serverKey = try cursor.value(for: argument)
            case "--secret-key-file": secretKeyFile = try cursor.value(for: argument)
            default:
                guard !argument.hasPrefix("--") else {
                    throw HostError(.usage, "unknown option '\(argument)' for watch")
                }
                prefixes.append(argument)
            }
        }
        var config = HostConfiguration.defaults()
        if let runtime { config.useRuntimeDirectory(runtime) }
        if let endpoint { try EndpointOption.check(endpoint, option: "watch --endpoint") }
        var command = WatchCommand(
            endpoint: endpoint ?? config.publishEndpoint, prefixes: prefixes, untilSummary: untilSummary)
        command.curve = try curveKeys(serverKey: serverKey, secretKeyFile: secretKeyFile)
        if endpoint == nil && config.publishEndpoint.hasPrefix("ipc://") {
            command.runtimeDirectory = config.runtimeDirectory
        }
        return command
    }

    /// Both CURVE options or neither; the files are read here so a bad one fails before connecting.
    static func curveKeys(serverKey: String?, secretKeyFile: String?) throws -> (CurveKey, CurveKeyPair)? {
        guard serverKey != nil || secretKeyFile != nil else { return nil }
        guard let serverKey, let secretKeyFile else {
            throw HostError(.usage, "watch: --server-key and --secret-key-file go together (CURVE needs both)")
        }
        do {
            let keys = try CurveKeyPair(secretKey: CurveKeyFile.read(secretKeyFile, secret: true))
            return (try CurveKeyFile.keyOrFile(serverKey), keys)
        } catch let error as CurveKeyError {
            throw HostError(.usage, "watch: CURVE keys: \(error.description)")
        }
    }

    func execute() throws -> Int32 {
        let subscriber = UpdateSubscriber(endpoint: endpoint, prefixes: prefixes)
        subscriber.curve = curve
        try subscriber.start()
        Console.error("watching \(endpoint) (Ctrl-C to stop)\n")
        let stop = LockedFlag()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { stop.set() }
        source.resume()
        // A local endpoint with no live host behind it would wait in silence: say so, and keep waiting.
        if let directory = runtimeDirectory, RuntimeLock.runningHost(directory: directory) == nil {
            Console.error(
                "roadsense: no host is running on \(directory) (no live host in \(directory)/host.lock); waiting for "
                    + "one to start there (roadsense run --runtime-dir \(directory))\n")
        }
        while !stop.isSet && !(untilSummary && subscriber.sawSummary) { usleep(20_000) }
        subscriber.cancel()
        return 0
    }
}
