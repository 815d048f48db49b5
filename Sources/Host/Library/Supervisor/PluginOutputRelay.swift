import Foundation
import RoadSenseProtocol

/// Reads a plugin process's stdout or stderr line by line and re-emits each line into the host log with the
/// plugin's name and pid, so one log tells the whole story. A line that is already logfmt from the plugin
/// runtime is passed through with `plugin` and `worker.pid` added.
///
/// Each stream has its own reader thread doing blocking reads until end of file, which holds the pipe's read
/// end until then. (Foundation's `readabilityHandler` is not called again at end of file when the last
/// bytes and the end arrive together — a process that prints a last unfinished line and exits — and the
/// supervisor forgets a process, and its Pipe, as soon as it exits.)
final class PluginOutputRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var partial = Data()
    private let logger: Logger
    private let plugin: String
    private var pid: Int32 = 0
    private let stream: String
    private let reading: FileHandle

    init(pipe: Pipe, plugin: String, stream: String, logger: Logger) {
        self.logger = logger
        self.plugin = plugin
        self.stream = stream
        reading = pipe.fileHandleForReading
    }

    /// The process runs: relay its output from now until end of file (what it wrote before is in the pipe).
    func started(pid: Int32) {
        lock.withLock { self.pid = pid }
        let thread = Thread { [self] in
            let fd = reading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    receive(Data(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            flush(final: true)
        }
        thread.name = "roadsense.relay.\(plugin).\(stream)"
        thread.start()
    }

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
