import Foundation

/// Whether a file that an earlier pass read up to a byte offset can be resumed there, for the plugins that follow
/// growing TRD files (ingest's telemetry, the weather plugin's source).
///
/// A file whose inode changed, that became shorter than the offset, or whose bytes just before the offset changed
/// (a hash of up to `tailLength` bytes) was replaced or rewritten: it must be read again from the start.
public enum FileResume {
    /// Bytes before the offset that are hashed to notice a rewritten file.
    public static let tailLength = 64

    /// A file's size and inode, or nil when it cannot be stat'ed.
    public static func identity(of path: String) -> (size: Int64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int64(info.st_size), UInt64(info.st_ino))
    }

    /// Why the file cannot be resumed at `offset`, or nil when it can.
    /// - Parameters:
    ///   - inode, tailHash: what the earlier pass recorded (nil: not recorded, not checked).
    public static func restartReason(
        path: String, identity: (size: Int64, inode: UInt64), offset: Int64, inode: UInt64?, tailHash: UInt64?
    ) -> String? {
        if let inode, inode != identity.inode { return "was replaced (another inode)" }
        if identity.size < offset { return "was truncated (\(identity.size) bytes, read up to \(offset))" }
        if let tailHash, self.tailHash(path: path, before: offset) != tailHash {
            return "was rewritten (the bytes before offset \(offset) changed)"
        }
        return nil
    }

    /// FNV-1a hash of the up to `tailLength` bytes of the file just before `offset`; 0 when they cannot be read.
    public static func tailHash(path: String, before offset: Int64) -> UInt64 {
        let length = Int(min(offset, Int64(tailLength)))
        guard length > 0 else { return 0 }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes {
            pread(descriptor, $0.baseAddress, length, off_t(offset) - off_t(length))
        }
        guard got == length else { return 0 }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
