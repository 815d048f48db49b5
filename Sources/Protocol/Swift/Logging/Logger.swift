import Foundation

/// A small structured logger, injected into every long-lived component (never created inside a library
/// function). One line per event in logfmt: `ts=… level=info component=host msg="…" worker.pid=123`.
/// Thread-safe: lines are written whole to the sink under a lock.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case trace, debug, info, warning, error

        public var name: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .warning: "warning"
            case .error: "error"
            }
        }

        public init?(name: String) {
            switch name.lowercased() {
            case "trace": self = .trace
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public let component: String
    public var minimum: Level
    public let sink: LogSink

    public init(component: String, minimum: Level = .info, sink: LogSink = .standardError) {
        self.component = component
        self.minimum = minimum
        self.sink = sink
    }

    /// The same logger for a sub-component, e.g. `host.supervisor`.
    public func child(_ name: String) -> Logger {
        Logger(component: component + "." + name, minimum: minimum, sink: sink)
    }

    public func log(_ level: Level, _ message: String, _ metadata: KeyValuePairs<String, Any> = [:]) {
        guard level >= minimum else { return }
        log(level, message, fields: metadata.map { ($0.key, $0.value) })
    }

    /// `log` with metadata built at run time (a literal `KeyValuePairs` cannot be extended).
    public func log(_ level: Level, _ message: String, fields: [(String, Any)]) {
        guard level >= minimum else { return }
        var line = "ts=\(Self.timestamp()) level=\(level.name) component=\(component) msg=\(Self.quote(message))"
        for (key, value) in fields {
            line += " \(key)=\(Self.quote(String(describing: value)))"
        }
        sink.write(line)
    }

    /// Trace and debug lines sit on hot paths (one per call): their metadata is built only when the line
    /// is written, so a host at `info` pays nothing for them.
    public func trace(_ m: String, _ md: @autoclosure () -> KeyValuePairs<String, Any> = [:]) {
        if Level.trace >= minimum { log(.trace, m, md()) }
    }
    public func debug(_ m: String, _ md: @autoclosure () -> KeyValuePairs<String, Any> = [:]) {
        if Level.debug >= minimum { log(.debug, m, md()) }
    }
    public func info(_ m: String, _ md: KeyValuePairs<String, Any> = [:]) { log(.info, m, md) }
    public func warning(_ m: String, _ md: KeyValuePairs<String, Any> = [:]) { log(.warning, m, md) }
    public func error(_ m: String, _ md: KeyValuePairs<String, Any> = [:]) { log(.error, m, md) }

    static func quote(_ value: String) -> String {
        let plain = !value.isEmpty && value.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@+".contains($0) }
        if plain { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int(now.tv_nsec / 1_000_000))
    }
}

/// Where log lines go: standard error by default, or a collector in tests. Lines are written with
/// `write(2)` (`DescriptorOutput`): when the reader of the descriptor has gone (`2>&1 | head -1`), the
/// first failed write turns the sink off and every later line is dropped — the process runs on.
public final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    /// Kept so the descriptor stays open as long as the sink writes to it.
    private let handle: FileHandle?
    private let descriptor: Int32?
    /// Set once a write failed (EPIPE, EBADF): the logs have nowhere to go.
    private var closed = false
    private var collected: [String] = []

    public init(handle: FileHandle?) {
        self.handle = handle
        descriptor = handle?.fileDescriptor
    }

    public static let standardError = LogSink(handle: FileHandle.standardError)

    /// A sink that keeps lines in memory (for tests).
    public static func memory() -> LogSink { LogSink(handle: nil) }

    public func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        if let descriptor {
            if !closed && DescriptorOutput.send(line + "\n", to: descriptor) == .closed { closed = true }
        } else {
            collected.append(line)
        }
    }

    /// Whether a write failed and lines are now dropped.
    public var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    public var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
