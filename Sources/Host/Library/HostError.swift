/// Every failure the host reports to its operator: what happened and, where it helps, what to do.
public struct HostError: Error, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let name: String
        public init(_ name: String) { self.name = name }

        public static let badConfiguration = Code("bad_configuration")
        public static let badInput = Code("bad_input")
        public static let alreadyRunning = Code("already_running")
        public static let socket = Code("socket")
        public static let pluginMissing = Code("plugin_missing")
        public static let usage = Code("usage")
        /// The store write spool cannot be written or read, or holds a record that does not decode.
        public static let spool = Code("spool")
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    /// Exit status for the CLI: 2 for bad usage or input the operator must fix, 1 otherwise.
    public var exitCode: Int32 {
        [.badConfiguration, .badInput, .usage, .alreadyRunning, .pluginMissing, .socket].contains(code) ? 2 : 1
    }
}
