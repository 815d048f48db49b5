import Foundation
import RoadSenseProtocol

/// Reads a plugin process's stdout or stderr line by line (on Foundation's reader thread) and re-emits
/// each line into the host log with the plugin's name and pid, so one log tells the whole story. A line
/// that is already logfmt from the plugin runtime is passed through with `plugin` and `worker.pid` added.
final class PluginOutputRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var partial = Data()
    private let logger: Logger
    private let plugin: String
    private var pid: Int32 = 0
    private let stream: String

    init(pipe: Pipe, plugin: String, stream: String, logger: Logger) {
        self.logger = logger
        self.plugin = plugin
        self.stream = stream
        // The handler keeps the relay alive until end of file (then lets go of it), so the last lines of a
        // process that exits are relayed even after the supervisor has forgotten the process.
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                self.flush(final: true)
            } else {
                self.receive(data)
            }
        }
    }

    func started(pid: Int32) { lock.withLock { self.pid = pid } }

    private func receive(_ data: Data) {
        lock.lock()
        partial.append(data)
        var lines: [String] = []
        while let newline = partial.firstIndex(of: 0x0A) {
            lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
            partial.removeSubrange(partial.startIndex...newline)
        }
        let pid = self.pid
        lock.unlock()
        for line in lines where !line.isEmpty { emit(line, pid: pid) }
    }

    private func flush(final: Bool) {
        lock.lock()
        let rest = String(decoding: partial, as: UTF8.self)
        partial.removeAll()
        let pid = self.pid
        lock.unlock()
        if !rest.isEmpty { emit(rest, pid: pid) }
    }

    private func emit(_ line: String, pid: Int32) {
        if line.hasPrefix("ts=") {
            // Already a structured line from the plugin runtime: keep it whole, say whose it is.
            var tagged = line
            if !line.contains(" plugin=") { tagged += " plugin=\(plugin)" }
            if !line.contains(" worker.pid=") { tagged += " worker.pid=\(pid)" }
            logger.sink.write(tagged)
        } else {
            logger.info(line, ["plugin": plugin, "worker.pid": pid, "stream": stream])
        }
    }
}
