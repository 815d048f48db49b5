import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// A plugin's command line: `--connect ENDPOINT --store URL [--credits N] [--log-level LEVEL]`, plus
/// `--server-key KEY --secret-key-file FILE` for a host on `tcp://` with CURVE.
/// The host passes these when it starts the plugin; a remote plugin is started by hand with them.
public struct PluginOptions: Sendable {
    /// The CURVE keys of a plugin connecting over TCP: the host's public key and this worker's pair.
    public struct Curve: Sendable, Equatable {
        public var serverKey: CurveKey
        public var keys: CurveKeyPair
    }

    public var endpoint: String
    public var store: StoreLocation
    public var credits: UInt32
    public var logLevel: String
    public var heartbeatIntervalMs: Int
    public var liveness: Int
    /// Plugin-specific settings from `--set KEY=VALUE` (e.g. the ingest plugin's `source`).
    public var settings: [String: String] = [:]
    /// nil: no CURVE (ipc, or a host with `insecureTcp`).
    public var curve: Curve?

    public init(
        endpoint: String, store: StoreLocation, credits: UInt32 = 1, logLevel: String = "info",
        heartbeatIntervalMs: Int = 1000, liveness: Int = 3
    ) {
        self.endpoint = endpoint
        self.store = store
        self.credits = credits
        self.logLevel = logLevel
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.liveness = liveness
    }

    public static let usage = """
        usage: PLUGIN --connect ENDPOINT [--store URL] [--credits N] [--log-level debug|info|warning|error]
                      [--set KEY=VALUE]... [--server-key KEY|FILE --secret-key-file FILE]
          ENDPOINT  the host's plugin socket, e.g. ipc:///tmp/roadsense-0/plugins.ipc or tcp://host:5555
                    (default: $ROADSENSE_PLUGIN_ENDPOINT)
          URL       sqlite:PATH (default: $ROADSENSE_STORE, else the default store path)
          KEY=VALUE a setting of this plugin (see README, Plugins), e.g. --set source=/data/trd/incoming
          --server-key       the host's CURVE public key: 40 Z85 characters, or its .pub file
                             (default: $ROADSENSE_CURVE_SERVER_KEY)
          --secret-key-file  this worker's secret key (`roadsense keygen`, mode 0600); its public half is
                             derived from it and must be in the host's allowed keys
                             (default: $ROADSENSE_CURVE_SECRET_KEY_FILE)
        """

    /// Parses `arguments` (without the program name); throws a one-line message on a bad option.
    public static func parse(_ arguments: [String], environment: [String: String]) throws -> PluginOptions {
        var endpoint = environment["ROADSENSE_PLUGIN_ENDPOINT"]
        var store = environment["ROADSENSE_STORE"]
        var credits: UInt32 = 1
        var level = environment["ROADSENSE_LOG_LEVEL"] ?? "info"
        var settings: [String: String] = [:]
        var serverKey = environment["ROADSENSE_CURVE_SERVER_KEY"]
        var secretKeyFile = environment["ROADSENSE_CURVE_SECRET_KEY_FILE"]
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            func value() throws -> String {
                guard let next = iterator.next() else { throw PluginUsageError("\(argument) needs a value") }
                return next
            }
            switch argument {
            case "--connect": endpoint = try value()
            case "--store": store = try value()
            case "--credits":
                let text = try value()
                guard let n = UInt32(text), (1...1024).contains(n) else {
                    throw PluginUsageError(
                        "--credits must be a whole number from 1 to 1024 (docs/protocol.md), got \(text)")
                }
                credits = n
            case "--log-level": level = try value()
            case "--set":
                let text = try value()
                guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                    throw PluginUsageError("--set needs KEY=VALUE, got '\(text)'")
                }
                settings[String(text[..<equals])] = String(text[text.index(after: equals)...])
            case "--server-key": serverKey = try value()
            case "--secret-key-file": secretKeyFile = try value()
            case "-h", "--help": throw PluginUsageError(usage)
            default: throw PluginUsageError("unknown option \(argument)\n\(usage)")
            }
        }
        guard let endpoint else { throw PluginUsageError("no host endpoint: pass --connect ENDPOINT\n\(usage)") }
        let location =
            try store.map { try StoreLocation.parse($0) } ?? StoreLocation.defaultLocation(environment: environment)
        var options = PluginOptions(endpoint: endpoint, store: location, credits: credits, logLevel: level)
        options.settings = settings
        options.curve = try curve(serverKey: serverKey, secretKeyFile: secretKeyFile)
        return options
    }
}

extension PluginOptions {
    /// A numeric setting, or `fallback` when absent; a value that is not a positive number is a usage error
    /// naming the key.
    public func positiveNumber(_ key: String, default fallback: Double) throws -> Double {
        guard let text = settings[key] else { return fallback }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw PluginUsageError("--set \(key)=\(text): must be a positive number")
        }
        return value
    }

    /// Both CURVE options or neither; the keys are read and checked here, so a bad file fails at start.
    static func curve(serverKey: String?, secretKeyFile: String?) throws -> Curve? {
        switch (serverKey, secretKeyFile) {
        case (nil, nil): return nil
        case (nil, _): throw PluginUsageError("--secret-key-file needs --server-key (the host's public key)")
        case (_, nil): throw PluginUsageError("--server-key needs --secret-key-file (this worker's secret key)")
        case (let server?, let secret?):
            do {
                let keys = try CurveKeyPair(secretKey: CurveKeyFile.read(secret, secret: true))
                return Curve(serverKey: try CurveKeyFile.keyOrFile(server), keys: keys)
            } catch let error as CurveKeyError {
                throw PluginUsageError("CURVE keys: \(error.description)")
            }
        }
    }
}

public struct PluginUsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
