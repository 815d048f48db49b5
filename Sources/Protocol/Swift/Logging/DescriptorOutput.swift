import Foundation

/// Writes to an inherited descriptor (standard output, standard error) with `write(2)`, so a reader
/// that went away never crashes the process: `FileHandle.write(_: Data)` traps on EPIPE, and a host whose
/// stderr is `| head -1` must go on running. SIGPIPE is ignored at start by every RoadSense executable,
/// so a closed pipe shows up here as EPIPE.
public enum DescriptorOutput {
    /// What became of a write.
    public enum Outcome: Sendable, Equatable {
        case written
        /// A non-blocking descriptor stayed full for 100 ms: this text is dropped, later ones may pass.
        case busy
        /// The reader is gone (EPIPE) or the descriptor is unusable (EBADF, EIO…): nothing will pass.
        case closed
    }

    /// Writes every byte of `text` to `descriptor`: retries an interrupted or short write, waits up to
    /// 100 ms for a non-blocking descriptor that is full, and never traps.
    @discardableResult
    public static func write(_ text: String, to descriptor: Int32) -> Bool { send(text, to: descriptor) == .written }

    /// `write(_:to:)` saying why a write did not complete.
    public static func send(_ text: String, to descriptor: Int32) -> Outcome {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return .written }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written >= 0 {
                    offset += written
                    continue
                }
                switch errno {
                case EINTR: continue
                case EAGAIN:
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    if poll(&ready, 1, 100) <= 0 { return .busy }
                default: return .closed
                }
            }
            return .written
        }
    }

    /// Standard error, for one-line messages of a command (`roadsense: …`).
    @discardableResult
    public static func standardError(_ text: String) -> Bool { write(text, to: STDERR_FILENO) }
}
