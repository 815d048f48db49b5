import Foundation

/// Hands out the lines of a file as byte ranges inside its own buffer: no copy, no `String`, constant memory.
///
/// The file is read with `read(2)` in 1 MiB chunks into one buffer that only grows when a single line is
/// longer than the buffer. A line is returned without its LF and without a CR right before the LF (or before
/// the end of file), exactly as `CSVFile` cuts lines, so both number and cut lines the same way. The bytes
/// handed out stay valid until the next `nextLine()` call.
///
/// It can start at a byte offset (a line start recorded by `consumedOffset` on an earlier pass), and with
/// `wholeLinesOnly` it leaves a last line that has no LF yet unread — a file still being written — so a later
/// pass reads it once it is complete (`unfinishedBytes` says how long that tail is).
///
/// A struct so the hot loop's state needs no run-time exclusivity checks; the descriptor and the buffer are
/// owned by `Storage`, which closes and frees them. Copies share the file: use one copy only.
struct ByteLineSource {
    static let chunkSize = 1 << 20

    /// Owns the descriptor and the buffer; releases both when the last copy goes.
    private final class Storage {
        let descriptor: Int32
        var buffer: UnsafeMutablePointer<UInt8>
        var closed = false

        init(descriptor: Int32, capacity: Int) {
            self.descriptor = descriptor
            buffer = .allocate(capacity: capacity)
        }

        func close() {
            guard !closed else { return }
            closed = true
            _ = Glibc.close(descriptor)
        }

        deinit {
            close()
            buffer.deallocate()
        }
    }

    private let storage: Storage
    private let descriptor: Int32
    /// The storage's buffer, copied here for the hot loop (updated when it grows).
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// First byte not yet handed out.
    private var start = 0
    /// One past the last byte read from the file.
    private var end = 0
    private var atEOF = false
    /// File offset of `buffer[0]`.
    private var bufferOffset: Int64
    /// True: a last line without LF is not handed out (see the type's comment).
    private let wholeLinesOnly: Bool
    /// Text of the read error that ended the file early, if any.
    private(set) var error: String?

    /// Opens `path` for reading at byte `offset`; nil with `errno` set when it cannot be opened or sought.
    init?(path: String, offset: Int64 = 0, wholeLinesOnly: Bool = false) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        capacity = ByteLineSource.chunkSize
        storage = Storage(descriptor: descriptor, capacity: capacity)
        buffer = storage.buffer
        bufferOffset = offset
        self.wholeLinesOnly = wholeLinesOnly
        if offset > 0, lseek(descriptor, off_t(offset), SEEK_SET) < 0 { return nil }
    }

    /// File offset just past the last line handed out (its LF included): where a later pass resumes.
    var consumedOffset: Int64 { bufferOffset + Int64(start) }

    /// Bytes read after the last line handed out that do not yet end in LF (with `wholeLinesOnly`, at the end
    /// of the file); 0 otherwise.
    var unfinishedBytes: Int { atEOF ? end - start : 0 }

    /// Closes the file; later `nextLine()` calls return nil.
    mutating func close() {
        atEOF = true
        start = end
        storage.close()
    }

    /// The next line without CR/LF; nil at end of file or after a read error (see `error`).
    mutating func nextLine() -> UnsafeBufferPointer<UInt8>? {
        while true {
            if start < end, let found = memchr(buffer + start, 0x0A, end - start) {
                let newline = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var lineEnd = newline
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: buffer + start, count: lineEnd - start)
                start = newline + 1
                return line
            }
            if atEOF {
                guard start < end, !wholeLinesOnly else { return nil }
                var lineEnd = end
                if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: buffer + start, count: lineEnd - start)
                start = end
                return line
            }
            refill()
        }
    }

    /// Moves the unread tail to the front, grows the buffer if one line fills it, and reads one more chunk.
    private mutating func refill() {
        let remaining = end - start
        if start > 0 {
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            bufferOffset += Int64(start)
            start = 0
            end = remaining
        }
        if end == capacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: end)
            storage.buffer.deallocate()
            storage.buffer = larger
            buffer = larger
            capacity *= 2
        }

        while true {
            let count = read(descriptor, buffer + end, capacity - end)
            if count > 0 {
                end += count
            } else if count == 0 {
                atEOF = true
            } else if errno == EINTR {
                continue
            } else {
                error = String(cString: strerror(errno))
                atEOF = true
            }
            return
        }
    }
}
