import CProcessShims
import Foundation

/// Random (version 4) UUIDs for call ids, lowercase and hyphenated like `UUID().uuidString.lowercased()`.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id; a host that accepts tens of
/// thousands of calls a second spent more on that than on dispatching them. This takes the kernel's
/// randomness 4 KiB at a time (256 ids per `getrandom`) and formats the ids itself. Thread-safe: `submit`
/// runs on any thread.
final class CallIDSource: @unchecked Sendable {
    static let shared = CallIDSource()

    private let lock = NSLock()
    private var pool = [UInt8](repeating: 0, count: 4096)
    private var next = 4096

    func make() -> String {
        var bytes: (UInt64, UInt64) = (0, 0)
        lock.lock()
        if next + 16 > pool.count { refill() }
        pool.withUnsafeBytes { raw in
            bytes = (
                raw.loadUnaligned(fromByteOffset: next, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: next + 8, as: UInt64.self)
            )
        }
        // Used bytes are not kept: no later id (or reader of this object) can see them again.
        pool.withUnsafeMutableBytes { raw in
            for offset in next..<next + 16 { raw[offset] = 0 }
        }
        next += 16
        lock.unlock()
        return Self.format(high: bytes.0, low: bytes.1)
    }

    private func refill() {
        var filled = 0
        while filled < pool.count {
            let count = pool.withUnsafeMutableBytes { raw in
                rs_fill_random(raw.baseAddress! + filled, UInt(raw.count - filled))
            }
            if count > 0 {
                filled += count
            } else if errno != EINTR {
                // getrandom cannot fail on Linux ≥ 3.17 once the pool is initialised; fall back to Foundation.
                pool.withUnsafeMutableBytes { raw in
                    for offset in filled..<raw.count { raw[offset] = UInt8.random(in: 0...255) }
                }
                filled = pool.count
            }
        }
        next = 0
    }

    /// 128 random bits as a version 4, variant 1 UUID (RFC 9562 §5.4): 122 random bits.
    static func format(high: UInt64, low: UInt64) -> String {
        let high = (high & ~(0xF << 12)) | (0x4 << 12)
        let low = (low & ~(0x3 << 62)) | (0x2 << 62)
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            hex.withUTF8Buffer { digits in
                for index in 0..<32 {
                    if index == 8 || index == 12 || index == 16 || index == 20 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    let word = index < 16 ? high : low
                    let shift = UInt64((15 - index % 16) * 4)
                    buffer[position] = digits[Int((word >> shift) & 0xF)]
                    position += 1
                }
            }
            return position
        }
    }
}
