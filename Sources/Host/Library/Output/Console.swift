import Foundation

/// Standard output that survives its reader going away (`roadsense report --json | head -1`, or quitting
/// `less`): a closed pipe makes a write return false, never a crash (SIGPIPE is ignored at start).
enum Console {
    @discardableResult
    static func write(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
