import Foundation

/// The host's bounded on-disk buffer for store writes made while the store is unreachable: append-only segment
/// files of checksummed records, drained oldest first once the store is back (docs/outage.md).
///
/// Files in the spool directory:
/// - `spool.lock`: an exclusive `flock`, so one host at a time owns the spool.
/// - `NNNNNNNNNN.seg`: segments, numbered in the order they were written. Each starts with the 8 bytes
///   `RSSPOOL1`, then records: the body's length (u32, little-endian), the CRC-32 of the body (u32,
///   little-endian), the body.
/// - `drained`: `SEGMENT OFFSET`, how far the oldest segment has been written to the store (a crash between
///   a drained batch's commit and this file's update writes that batch again; the writes are upserts).
///
/// - **Bounded**: `append` refuses a record when the records not yet drained plus it would pass `maxBytes`;
///   refused records are counted (`dropped`, `droppedBytes`) — the oldest data is kept, the newest refused.
/// - **Durable**: `sync()` fsyncs what was appended since the last sync (the host calls it once per loop pass,
///   before it tells anyone a spooled write happened).
/// - **Crash-safe**: opening checks every record; a torn or corrupt tail (a crash or a full disk mid-append)
///   is cut off at the last whole record and counted (`tornRecords`, `truncatedBytes`).
///
/// Confined to one thread (the host's).
final class WriteSpool {
    struct Counters: Equatable {
        var appended = 0
        var dropped = 0
        var droppedBytes = 0
        var drained = 0
        /// Records found incomplete or failing their checksum when the spool was opened, and cut off.
        var tornRecords = 0
        /// Bytes cut off when the spool was opened (torn records, unreadable segments).
        var truncatedBytes = 0
    }

    private struct Segment {
        let number: Int
        /// Valid bytes in the file (header included).
        var size: Int
    }

    static let magic = Array("RSSPOOL1".utf8)
    static let recordHeaderBytes = 8

    let directory: String
    let maxBytes: Int
    let segmentBytes: Int
    private(set) var counters = Counters()
    /// Bytes (headers included) and records appended and not yet drained.
    private(set) var pendingBytes = 0
    private(set) var pendingRecords = 0
    /// What opening found and repaired, for the host's log.
    private(set) var openNotes: [String] = []

    private let lockFD: Int32
    private var segments: [Segment] = []
    /// The newest segment, open for appending.
    private var writeFD: Int32 = -1
    /// The oldest segment, open for reading, and where its undrained records start.
    private var readFD: Int32 = -1
    private var readNumber = -1
    private var readOffset = 0
    /// Ends of the records the last `peek` returned, for `consume`.
    private var peekedEnds: [Int] = []
    private var needsSync = false
    private var directoryNeedsSync = false

    /// Opens (creating) the spool in `directory`, taking its lock and checking what a previous run left.
    init(directory: String, maxBytes: Int, segmentBytes: Int = 4 << 20) throws {
        precondition(maxBytes > 0 && segmentBytes > Self.magic.count, "a spool needs room")
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = segmentBytes
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw HostError(.spool, "cannot create the store spool directory \(directory): \(error)")
        }
        let lockPath = directory + "/spool.lock"
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw HostError(.spool, "cannot open \(lockPath): \(Self.errorText())") }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            close(lockFD)
            throw HostError(
                .alreadyRunning,
                "another roadsense host is using the store spool \(directory); give this host its own "
                    + "spoolDirectory (or runtime directory)")
        }
        do {
            try load()
        } catch {
            closeFiles()
            flock(lockFD, LOCK_UN)
            close(lockFD)
            throw error
        }
    }

    deinit {
        closeFiles()
        flock(lockFD, LOCK_UN)
        close(lockFD)
    }

    var isEmpty: Bool { pendingRecords == 0 }
    var segmentCount: Int { segments.count }

    // MARK: Appending

    /// Appends one record; false (and counted as dropped) when the spool is full. Throws when the file cannot
    /// be written (the partial record is cut off again, so the segment stays whole).
    @discardableResult
    func append(_ body: [UInt8]) throws -> Bool {
        let size = Self.recordHeaderBytes + body.count
        guard pendingBytes + size <= maxBytes, body.count <= Int(UInt32.max) else {
            counters.dropped += 1
            counters.droppedBytes += size
            return false
        }
        if writeFD < 0 || (segments.last.map { $0.size + size > segmentBytes && $0.size > Self.magic.count } ?? true) {
            try startSegment()
        }
        var record: [UInt8] = []
        record.reserveCapacity(size)
        withUnsafeBytes(of: UInt32(body.count).littleEndian) { record.append(contentsOf: $0) }
        withUnsafeBytes(of: CRC32.checksum(body).littleEndian) { record.append(contentsOf: $0) }
        record.append(contentsOf: body)
        let before = segments[segments.count - 1].size
        do {
            try Self.writeAll(writeFD, record, path: path(segments[segments.count - 1].number))
        } catch {
            ftruncate(writeFD, off_t(before))
            throw error
        }
        segments[segments.count - 1].size += size
        pendingBytes += size
        pendingRecords += 1
        counters.appended += 1
        needsSync = true
        return true
    }

    /// Makes every appended record durable (fsync of the segment, and of the directory after a new segment).
    func sync() throws {
        if needsSync, writeFD >= 0, fsync(writeFD) != 0 {
            throw HostError(.spool, "cannot fsync the store spool in \(directory): \(Self.errorText())")
        }
        needsSync = false
        if directoryNeedsSync {
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
            directoryNeedsSync = false
        }
    }

    private func startSegment() throws {
        if writeFD >= 0 {
            if needsSync { fsync(writeFD) }
            close(writeFD)
            writeFD = -1
        }
        let number = (segments.last?.number ?? 0) + 1
        let file = path(number)
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError(.spool, "cannot create \(file): \(Self.errorText())") }
        do {
            try Self.writeAll(fd, Self.magic, path: file)
        } catch {
            close(fd)
            unlink(file)
            throw error
        }
        writeFD = fd
        segments.append(Segment(number: number, size: Self.magic.count))
        directoryNeedsSync = true
        needsSync = true
    }

    // MARK: Draining

    /// Up to `limit` of the oldest records not yet drained, oldest first (from one segment at a time).
    func peek(limit: Int) throws -> [[UInt8]] {
        peekedEnds.removeAll()
        guard let oldest = segments.first, pendingRecords > 0 else { return [] }
        if readNumber != oldest.number {
            if readFD >= 0 { close(readFD) }
            readFD = open(path(oldest.number), O_RDONLY | O_CLOEXEC)
            guard readFD >= 0 else {
                throw HostError(.spool, "cannot read \(path(oldest.number)): \(Self.errorText())")
            }
            readNumber = oldest.number
            readOffset = max(readOffset, Self.magic.count)
        }
        var bodies: [[UInt8]] = []
        var offset = readOffset
        while bodies.count < limit, offset + Self.recordHeaderBytes <= oldest.size {
            let header = try read(readFD, count: Self.recordHeaderBytes, at: offset, file: oldest.number)
            let length = Int(Self.uint32(header, 0))
            guard offset + Self.recordHeaderBytes + length <= oldest.size else { break }
            let body = try read(readFD, count: length, at: offset + Self.recordHeaderBytes, file: oldest.number)
            guard CRC32.checksum(body) == Self.uint32(header, 4) else {
                throw HostError(
                    .spool,
                    "store spool record at \(path(oldest.number)) offset \(offset) fails its checksum (the disk "
                        + "changed it after it was written); move that file aside to go on without it")
            }
            bodies.append(body)
            offset += Self.recordHeaderBytes + length
            peekedEnds.append(offset)
        }
        return bodies
    }

    /// Marks the first `count` records of the last `peek` as written to the store. A segment fully drained is
    /// deleted (the newest one too: the next append starts a new segment).
    func consume(_ count: Int) throws {
        guard count > 0, count <= peekedEnds.count, var oldest = segments.first else { return }
        let end = peekedEnds[count - 1]
        pendingBytes -= end - readOffset - 0
        pendingRecords -= count
        counters.drained += count
        readOffset = end
        peekedEnds.removeAll()
        if readOffset >= oldest.size {
            if readFD >= 0 { close(readFD) }
            readFD = -1
            readNumber = -1
            readOffset = Self.magic.count
            if segments.count == 1 {
                if writeFD >= 0 { close(writeFD) }
                writeFD = -1
                needsSync = false
            }
            unlink(path(oldest.number))
            segments.removeFirst()
            directoryNeedsSync = true
            oldest = segments.first ?? oldest
        }
        if pendingRecords == 0 {
            unlink(directory + "/drained")
        } else {
            saveDrainedMark()
        }
    }

    // MARK: Opening

    /// Finds the segments, cuts off torn tails, and restores the drain position.
    private func load() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let numbers = names.compactMap { name -> Int? in
            guard name.hasSuffix(".seg") else { return nil }
            return Int(name.dropLast(4))
        }.sorted()
        for number in numbers {
            let file = path(number)
            let data = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data())
            guard data.count >= Self.magic.count, Array(data.prefix(Self.magic.count)) == Self.magic else {
                rename(file, file + ".unreadable")
                counters.truncatedBytes += data.count
                openNotes.append(
                    "store spool segment \(file) does not start with RSSPOOL1 (not a spool file, or torn at creation); "
                        + "moved aside as \(file).unreadable")
                continue
            }
            var offset = Self.magic.count
            var records = 0
            while offset < data.count {
                guard offset + Self.recordHeaderBytes <= data.count else { break }
                let length = Int(Self.uint32(data, offset))
                let end = offset + Self.recordHeaderBytes + length
                guard end <= data.count,
                    CRC32.checksum(data[(offset + Self.recordHeaderBytes)..<end]) == Self.uint32(data, offset + 4)
                else { break }
                offset = end
                records += 1
            }
            if offset < data.count {
                counters.tornRecords += 1
                counters.truncatedBytes += data.count - offset
                openNotes.append(
                    "store spool segment \(file): the record at offset \(offset) is torn or fails its checksum (a crash "
                        + "or a full disk while it was written); cut off \(data.count - offset) bytes, \(records) "
                        + "whole records kept")
                guard truncate(file, off_t(offset)) == 0 else {
                    throw HostError(.spool, "cannot cut the torn tail off \(file): \(Self.errorText())")
                }
            }
            segments.append(Segment(number: number, size: offset))
            pendingRecords += records
            pendingBytes += offset - Self.magic.count
        }
        try restoreDrainedMark()
        if let newest = segments.last {
            writeFD = open(path(newest.number), O_WRONLY | O_APPEND | O_CLOEXEC)
            guard writeFD >= 0 else {
                throw HostError(.spool, "cannot open \(path(newest.number)): \(Self.errorText())")
            }
        }
        if pendingRecords == 0 {
            // Nothing left to drain: start clean.
            closeFiles()
            for segment in segments { unlink(path(segment.number)) }
            segments.removeAll()
            unlink(directory + "/drained")
        }
    }

    /// Skips the records of the oldest segment that a previous run already wrote to the store.
    private func restoreDrainedMark() throws {
        readOffset = Self.magic.count
        guard let text = try? String(contentsOfFile: directory + "/drained", encoding: .utf8) else { return }
        let parts = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard parts.count == 2, let oldest = segments.first, parts[0] == oldest.number, parts[1] <= oldest.size else {
            return
        }
        // Walk the records up to the mark, so the count is exact and the mark is on a record boundary.
        let fd = open(path(oldest.number), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var offset = Self.magic.count
        var skipped = 0
        while offset < parts[1] {
            let header = try read(fd, count: Self.recordHeaderBytes, at: offset, file: oldest.number)
            offset += Self.recordHeaderBytes + Int(Self.uint32(header, 0))
            skipped += 1
        }
        guard offset == parts[1] else { return }
        readOffset = offset
        pendingRecords -= skipped
        pendingBytes -= offset - Self.magic.count
    }

    private func saveDrainedMark() {
        guard let oldest = segments.first else { return }
        let text = "\(oldest.number) \(readOffset)\n"
        let temporary = directory + "/drained.tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        rename(temporary, directory + "/drained")
    }

    // MARK: Files

    private func path(_ number: Int) -> String { directory + "/" + String(format: "%010d.seg", number) }

    private func closeFiles() {
        if writeFD >= 0 { close(writeFD) }
        if readFD >= 0 { close(readFD) }
        writeFD = -1
        readFD = -1
        readNumber = -1
    }

    private func read(_ fd: Int32, count: Int, at offset: Int, file number: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw HostError(
                    .spool, "cannot read \(count) bytes at offset \(offset) of \(path(number)): \(Self.errorText())")
            }
            done += n
        }
        return buffer
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HostError(.spool, "cannot write the store spool file \(path): \(errorText())") }
            done += n
        }
    }

    private static func uint32<C: RandomAccessCollection>(_ bytes: C, _ offset: Int) -> UInt32
    where C.Element == UInt8, C.Index == Int {
        let start = bytes.startIndex + offset
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[start + $1]) << (8 * $1) }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
