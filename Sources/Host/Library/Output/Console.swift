import Foundation
import RoadSenseProtocol

/// Standard output and standard error that survive their reader going away (`roadsense report --json |
/// head -1`, quitting `less`, `2>&1 | head -1`): a closed pipe makes a write return false, never a crash
/// (SIGPIPE is ignored at start; `FileHandle.write` would trap on the EPIPE).
enum Console {
    @discardableResult
    static func write(_ text: String) -> Bool { DescriptorOutput.write(text, to: STDOUT_FILENO) }

    /// One message for the person at the terminal, on standard error.
    @discardableResult
    static func error(_ text: String) -> Bool { DescriptorOutput.write(text, to: STDERR_FILENO) }
}
