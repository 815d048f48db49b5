import Foundation

/// Puts telemetry samples into replay order — receiver time (`metaTimeMs`), then the car's clock (`ecuTimeMs`),
/// then input order — in bounded memory, however large the input and however it is ordered: an external merge
/// sort.
///
/// Why not a reorder window: the organisers' files are written backwards within each lap (SOURCES.md item 20:
/// 176 of 177 meta_time batches of the barber R1 head step back in time) and, by what participants report of
/// the full 1–2 GB files, car after car, so a sample may belong hours before the one read before it. No window
/// of bounded size puts that in order.
///
/// How: samples are appended into a run of `runLength` 40-byte records (vehicle and channel as indices into a
/// small table of names); a full run is sorted and written to an anonymous temporary file (created in
/// `directory` and unlinked at once, so nothing is left behind even after a crash). `finish()` merges runs,
/// `fanIn` at a time, until at most `fanIn` are left; `next()` then merges those, reading each in batches of
/// `readBatch` records. Input that fits in one run never touches the disk. Memory therefore stays below
/// `runLength + fanIn × readBatch` records (about 7.8 MB with the defaults) plus the name table, whatever
/// the input size; `peakBuffered` reports the most records held at once. The temporary file holds 40 bytes per
/// sample per merge pass (one pass up to `runLength × fanIn` ≈ 16.7 M samples, about a 2 GB organiser file).
///
/// A class: it owns the temporary file's descriptor. Use it from one thread.
public final class TelemetrySorter {
    /// Records sorted in memory before a run is spilled (5.2 MB).
    public static let defaultRunLength = 1 << 17
    /// Runs merged at once.
    public static let defaultFanIn = 128
    /// Records read from one run per refill while merging (20 KB).
    public static let defaultReadBatch = 512

    /// One sample as stored: 40 bytes, written to the spill file as is.
    struct Record {
        var metaTimeMs: Int64
        var ecuTimeMs: Int64
        var value: Double
        var lap: Int64
        var vehicle: UInt16
        var channel: UInt16
        /// Position in its run's input, so equal times keep input order.
        var sequence: UInt32

        static func precedes(_ left: Record, _ right: Record) -> Bool {
            if left.metaTimeMs != right.metaTimeMs { return left.metaTimeMs < right.metaTimeMs }
            if left.ecuTimeMs != right.ecuTimeMs { return left.ecuTimeMs < right.ecuTimeMs }
            return left.sequence < right.sequence
        }
    }

    /// A sorted run in the spill file.
    struct Run {
        var offset: Int
        var count: Int
    }

    /// Reads one run back in batches during a merge.
    struct RunCursor {
        var run: Run
        var index: Int
        var consumed = 0
        var buffer: [Record] = []
        var position = 0

        var head: Record? { position < buffer.count ? buffer[position] : nil }
    }

    public let runLength: Int
    public let fanIn: Int
    public let readBatch: Int
    private let directory: URL

    private var names: [String] = []
    private var nameIndex: [String: UInt16] = [:]
    private var pending: [Record] = []
    private var runs: [Run] = []
    private var descriptor: Int32 = -1
    private var fileEnd = 0
    private var finished = false
    /// After `finish()` with no spill: the one sorted run in memory.
    private var memoryRun: [Record] = []
    private var memoryPosition = 0
    /// After `finish()` with spilled runs: one cursor per run and a heap of cursor indices.
    private var cursors: [RunCursor] = []
    private var heap: [Int] = []

    /// Samples appended so far.
    public private(set) var count = 0
    /// Runs written to the temporary file, over all merge passes.
    public private(set) var runsSpilled = 0
    /// Merge passes `finish()` needed before the final merge (0 when at most `fanIn` runs were spilled).
    public private(set) var mergePasses = 0
    /// The most sample records held in memory at any one time.
    public private(set) var peakBuffered = 0

    /// - Parameters:
    ///   - runLength: records sorted in memory per run (at least 1).
    ///   - fanIn: runs merged at once (at least 2).
    ///   - readBatch: records read from a run per refill (at least 1).
    ///   - directory: where the temporary file is made (default: the system's temporary directory).
    public init(
        runLength: Int = defaultRunLength, fanIn: Int = defaultFanIn, readBatch: Int = defaultReadBatch,
        directory: URL = URL(fileURLWithPath: NSTemporaryDirectory())
    ) {
        precondition(runLength >= 1 && fanIn >= 2 && readBatch >= 1, "TelemetrySorter sizes out of range")
        self.runLength = runLength
        self.fanIn = fanIn
        self.readBatch = readBatch
        self.directory = directory
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// Records currently held in memory (the run being filled, or the unread parts of the merge buffers).
    public var bufferedCount: Int {
        if !finished { return pending.count }
        if !memoryRun.isEmpty { return memoryRun.count - memoryPosition }
        return cursors.reduce(0) { $0 + $1.buffer.count - $1.position }
    }

    /// Adds one sample. Call before `finish()`.
    /// - Throws: `TRDError` `.spillFailed` when the temporary file cannot be made or written, or when more than
    ///   65,535 distinct vehicle ids and channel names are seen.
    public func append(_ sample: TelemetrySample) throws {
        precondition(!finished, "TelemetrySorter.append after finish")
        if pending.capacity < runLength { pending.reserveCapacity(runLength) }
        pending.append(
            Record(
                metaTimeMs: sample.metaTimeMs, ecuTimeMs: sample.ecuTimeMs, value: sample.value,
                lap: Int64(sample.lap), vehicle: try name(sample.vehicleID), channel: try name(sample.channel),
                sequence: UInt32(pending.count)))
        count += 1
        peakBuffered = max(peakBuffered, pending.count)
        if pending.count == runLength { try spill() }
    }

    /// Ends the input: sorts what is left and, for spilled input, merges the runs down to at most `fanIn`.
    /// - Throws: `TRDError` `.spillFailed` on a temporary-file error.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        if runs.isEmpty {
            pending.sort(by: Record.precedes)
            memoryRun = pending
            pending = []
            return
        }
        if !pending.isEmpty { try spill() }
        pending = []
        while runs.count > fanIn {
            mergePasses += 1
            var merged: [Run] = []
            var start = 0
            while start < runs.count {
                let group = Array(runs[start..<min(start + fanIn, runs.count)])
                merged.append(group.count == 1 ? group[0] : try mergeToFile(group))
                start += fanIn
            }
            runs = merged
        }
        try openCursors(runs)
    }

    /// The next sample in time order, or nil when all are out. Calls `finish()` first if needed.
    /// - Throws: `TRDError` `.spillFailed` when the temporary file cannot be read back.
    public func next() throws -> TelemetrySample? {
        if !finished { try finish() }
        guard let record = try nextRecord() else { return nil }
        return sample(record)
    }

    /// `metaTimeMs` of the sample `next()` would return, without taking it.
    public func peekTimeMs() throws -> Int64? {
        if !finished { try finish() }
        if !memoryRun.isEmpty { return memoryPosition < memoryRun.count ? memoryRun[memoryPosition].metaTimeMs : nil }
        return heap.first.flatMap { cursors[$0].head?.metaTimeMs }
    }

    // MARK: - Records

    private func name(_ text: String) throws -> UInt16 {
        if let index = nameIndex[text] { return index }
        guard names.count <= Int(UInt16.max) else {
            throw TRDError(
                code: .spillFailed, reason: "more than 65,535 distinct vehicle ids and channel names",
                file: directory.path, remedy: "is this a telemetry file? the feed has a few dozen cars")
        }
        let index = UInt16(names.count)
        names.append(text)
        nameIndex[text] = index
        return index
    }

    private func sample(_ record: Record) -> TelemetrySample {
        TelemetrySample(
            vehicleID: names[Int(record.vehicle)], lap: Int(record.lap), metaTimeMs: record.metaTimeMs,
            ecuTimeMs: record.ecuTimeMs, channel: names[Int(record.channel)], value: record.value)
    }

    private func nextRecord() throws -> Record? {
        if !memoryRun.isEmpty {
            guard memoryPosition < memoryRun.count else {
                memoryRun = []
                return nil
            }
            memoryPosition += 1
            return memoryRun[memoryPosition - 1]
        }
        return try popMerged(&cursors, heap: &heap)
    }

    // MARK: - Runs on disk

    /// Sorts `pending` and appends it to the spill file as one run.
    private func spill() throws {
        pending.sort(by: Record.precedes)
        let run = Run(offset: fileEnd, count: pending.count)
        try write(pending)
        runs.append(run)
        runsSpilled += 1
        pending.removeAll(keepingCapacity: true)
    }

    /// Merges `group` into one new run at the end of the spill file, writing in batches of `readBatch` records.
    private func mergeToFile(_ group: [Run]) throws -> Run {
        var groupCursors: [RunCursor] = []
        var groupHeap: [Int] = []
        try startMerge(group, cursors: &groupCursors, heap: &groupHeap)
        // Each run's buffer holds at most `readBatch` records, and so does the output batch.
        peakBuffered = max(peakBuffered, groupCursors.reduce(0) { $0 + $1.buffer.count } + readBatch)
        let run = Run(offset: fileEnd, count: group.reduce(0) { $0 + $1.count })
        var out: [Record] = []
        out.reserveCapacity(readBatch)
        while let record = try popMerged(&groupCursors, heap: &groupHeap) {
            out.append(record)
            if out.count == readBatch {
                try write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try write(out)
        runsSpilled += 1
        return run
    }

    private func openCursors(_ runs: [Run]) throws {
        try startMerge(runs, cursors: &cursors, heap: &heap)
    }

    private func startMerge(_ runs: [Run], cursors: inout [RunCursor], heap: inout [Int]) throws {
        cursors = runs.enumerated().map { RunCursor(run: $0.element, index: $0.offset) }
        heap = []
        for index in cursors.indices {
            try refill(&cursors[index])
            if cursors[index].head != nil { heapPush(index, cursors: cursors, heap: &heap) }
        }
        peakBuffered = max(peakBuffered, cursors.reduce(0) { $0 + $1.buffer.count })
    }

    /// Takes the smallest head among the cursors (ties: the earlier run), refilling its run when drained.
    private func popMerged(_ cursors: inout [RunCursor], heap: inout [Int]) throws -> Record? {
        guard let top = heap.first else { return nil }
        let record = cursors[top].head!
        cursors[top].position += 1
        if cursors[top].head == nil { try refill(&cursors[top]) }
        if cursors[top].head != nil {
            siftDown(0, cursors: cursors, heap: &heap)
        } else {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            if !heap.isEmpty { siftDown(0, cursors: cursors, heap: &heap) }
        }
        return record
    }

    private func refill(_ cursor: inout RunCursor) throws {
        let take = min(readBatch, cursor.run.count - cursor.consumed)
        cursor.position = 0
        guard take > 0 else {
            cursor.buffer = []
            return
        }
        cursor.buffer = try read(count: take, at: cursor.run.offset + cursor.consumed * MemoryLayout<Record>.stride)
        cursor.consumed += take
    }

    // MARK: - Heap of cursor indices (smallest head first, ties to the lower run index)

    private static func less(_ a: Int, _ b: Int, _ cursors: [RunCursor]) -> Bool {
        let left = cursors[a].head!
        let right = cursors[b].head!
        if left.metaTimeMs != right.metaTimeMs { return left.metaTimeMs < right.metaTimeMs }
        if left.ecuTimeMs != right.ecuTimeMs { return left.ecuTimeMs < right.ecuTimeMs }
        return cursors[a].index < cursors[b].index
    }

    private func heapPush(_ index: Int, cursors: [RunCursor], heap: inout [Int]) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(heap[child], heap[parent], cursors) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int, cursors: [RunCursor], heap: inout [Int]) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, Self.less(heap[left + 1], heap[left], cursors) { smallest = left + 1 }
            guard Self.less(heap[smallest], heap[parent], cursors) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }

    // MARK: - The temporary file

    private func openSpillFile() throws {
        guard descriptor < 0 else { return }
        var template = Array(directory.appendingPathComponent("roadsense-sort-XXXXXX").path.utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard opened >= 0 else { throw spillError("cannot create a temporary file") }
        let path = String(cString: template)
        unlink(path)
        descriptor = opened
    }

    private func write(_ records: [Record]) throws {
        guard !records.isEmpty else { return }
        try openSpillFile()
        try records.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(fileEnd + done))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw spillError("cannot write the temporary file") }
                done += written
            }
        }
        fileEnd += records.count * MemoryLayout<Record>.stride
    }

    private func read(count: Int, at offset: Int) throws -> [Record] {
        let blank = Record(metaTimeMs: 0, ecuTimeMs: 0, value: 0, lap: 0, vehicle: 0, channel: 0, sequence: 0)
        var records = [Record](repeating: blank, count: count)
        try records.withUnsafeMutableBytes { bytes in
            var done = 0
            while done < bytes.count {
                errno = 0
                let got = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw spillError(got == 0 ? "temporary file ended early" : "cannot read it back") }
                done += got
            }
        }
        return records
    }

    private func spillError(_ what: String) -> TRDError {
        let reason = errno != 0 ? String(cString: strerror(errno)) : "unknown error"
        return TRDError(
            code: .spillFailed, reason: "sorting telemetry by time: \(what) (\(reason))", file: directory.path,
            remedy: "check free space and permissions there, or set TMPDIR to a directory with room "
                + "(40 bytes per telemetry sample)")
    }
}
