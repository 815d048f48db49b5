import Foundation

/// The byte-level engine behind `TelemetryReader`: cuts each line into fields in place, checks and parses
/// them from their bytes, and makes only the two `String`s a sample needs (both interned: the channel name
/// from `TelemetryReader.channelNames`, the vehicle id from a small table of ids already seen).
///
/// Every rule of `TelemetryReader` holds here unchanged, in the same order: field count, duplicate row,
/// unknown channel, empty / non-numeric / implausible value, missing vehicle id, bad / implausible
/// `timestamp` and `meta_time`, bad lap, repeated or conflicting (vehicle, timestamp, channel), lap 32768 kept
/// as 0. Lines with a double quote or a non-ASCII byte
/// take a slower path through `CSVFile.split` (unquoting, UTF-8 decoding, Unicode space trimming) so they
/// give the same fields as before; the real feed has neither.
///
/// A struct, so the per-row state is checked for exclusive access at compile time, not on every row.
struct TelemetryRowScanner {
    /// Where bad rows are counted: the caller's ledger, or a muted one while the windows are warmed up.
    private var ledger: RowIssueLedger
    private let fileName: String
    private let delimiter: UInt8
    private let headerFieldCount: Int
    private let header: [String]
    private let trailingSeparator: Bool
    private let lapColumn: Int, metaTimeColumn: Int, channelColumn: Int, valueColumn: Int
    private let timestampColumn: Int, vehicleColumn: Int
    /// Fields a row needs: one past the highest of the six columns.
    private let neededFields: Int

    private var source: ByteLineSource
    /// The file line of the row read last (the header is line 1).
    private(set) var lineNumber: Int
    /// Start and end offsets of the first `neededFields` fields of the current line.
    private let fieldBounds: FieldBounds
    private var recentRows = RecentRowWindow(capacity: TelemetryReader.duplicateWindow)
    /// The last keys (vehicle, ECU timestamp, channel) read, with their first value (SOURCES.md item 22).
    private var recentKeys = RecentSampleKeys(capacity: TelemetryReader.duplicateWindow)
    private var ecuMinute = TRDTime.ISOMinuteCache()
    private var metaMinute = TRDTime.ISOMinuteCache()
    /// Vehicle ids already made into `String`s, with their bytes; the last one found is tried first.
    private var vehicles: [(bytes: [UInt8], id: String)] = []
    private var lastVehicle = 0
    /// The key part of the vehicle `vehicleID(_:)` returned last: its index among the interned ids, or, past the
    /// 256 interned ids, a 64-bit hash of its bytes with the top bit set.
    private var vehicleKey: UInt64 = 0
    /// Scratch bytes for the slow path (its duplicate key and its unquoted fields).
    private var scratch: [UInt8] = []

    /// Opens `url`, reads its header through `CSVFile` (same errors, same column rules) and positions the
    /// byte scanner on the first data line, or at `position` (a line start an earlier pass stopped at, past the
    /// header). With `wholeLinesOnly` a last line without LF is left unread (see `ByteLineSource`).
    /// - Throws: `TRDError` (`.fileMissing`, `.unreadable`, `.badHeader`).
    init(url: URL, ledger: RowIssueLedger, from position: FilePosition? = nil, wholeLinesOnly: Bool = false) throws {
        let header = try CSVFile(url: url)
        defer { header.close() }
        self.ledger = ledger
        fileName = header.fileName
        delimiter = header.delimiter
        headerFieldCount = header.header.count
        self.header = header.header
        trailingSeparator = header.trailingSeparator
        lapColumn = try header.requireColumn("lap")
        metaTimeColumn = try header.requireColumn("meta_time")
        channelColumn = try header.requireColumn("telemetry_name")
        valueColumn = try header.requireColumn("telemetry_value")
        timestampColumn = try header.requireColumn("timestamp")
        vehicleColumn = try header.requireColumn("vehicle_id", alternatives: ["original_vehicle_id"])
        neededFields =
            Swift.max(lapColumn, metaTimeColumn, channelColumn, valueColumn, timestampColumn, vehicleColumn) + 1
        fieldBounds = FieldBounds(count: neededFields)

        guard var opened = ByteLineSource(path: url.path, wholeLinesOnly: wholeLinesOnly) else {
            throw Self.openError(url)
        }
        lineNumber = 0
        while lineNumber < header.headerLineNumber, opened.nextLine() != nil { lineNumber += 1 }
        // Resume only at an offset past the header; anything else reads from the first data line.
        guard let position, position.offset > opened.consumedOffset else {
            source = opened
            return
        }
        // The duplicate and repeated-reading windows see the lines just before the offset again, silently, so a
        // pair of rows either side of it is caught as in one pass (their rows were counted by the earlier pass).
        let warm = Self.lineStart(
            before: position.offset, lines: TelemetryReader.resumeWarmUpLines, floor: opened.consumedOffset,
            path: url.path)
        guard let resumed = ByteLineSource(path: url.path, offset: warm.offset, wholeLinesOnly: wholeLinesOnly)
        else { throw Self.openError(url) }
        source = resumed
        lineNumber = position.line - warm.lines
        self.ledger = RowIssueLedger()
        while source.consumedOffset < position.offset, let line = source.nextLine() {
            lineNumber += 1
            if !line.isEmpty { _ = sample(from: line) }
        }
        self.ledger = ledger
    }

    /// The start of the line `lines` lines before `offset` (a line start), but not before `floor` (the first
    /// data line), and how many lines lie between; `(offset, 0)` when the file cannot be read.
    static func lineStart(before offset: Int64, lines: Int, floor: Int64, path: String) -> (offset: Int64, lines: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return (offset, 0) }
        defer { close(descriptor) }
        let chunk = 64 * 1024
        var bytes = [UInt8](repeating: 0, count: chunk)
        var found = 0
        var end = offset
        while end > floor {
            let start = max(floor, end - Int64(chunk))
            let length = Int(end - start)
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(start)) }
            guard got == length else { return (offset, 0) }
            for index in stride(from: length - 1, through: 0, by: -1) where bytes[index] == 0x0A {
                found += 1
                if found == lines + 1 { return (start + Int64(index) + 1, lines) }
            }
            end = start
        }
        return (floor, found)
    }

    private static func openError(_ url: URL) -> TRDError {
        TRDError(
            code: .unreadable, reason: "cannot open file (\(String(cString: strerror(errno))))", file: url.path,
            remedy: "check file permissions")
    }

    /// Where the next pass should resume: just past the last whole line read.
    var position: FilePosition { FilePosition(offset: source.consumedOffset, line: lineNumber) }

    /// Bytes of a last line without LF left unread (with `wholeLinesOnly`, once the end is reached).
    var unfinishedBytes: Int { source.unfinishedBytes }

    /// The read error that ended the file early, if any.
    var readError: String? { source.error }

    /// The file line last read (header = line 1): after `next()` returned a sample, that sample's line.
    var row: Int { lineNumber }

    /// The next good sample, or nil at the end of the file (or after a read error).
    mutating func next() -> TelemetrySample? {
        while let line = source.nextLine() {
            lineNumber += 1
            if line.isEmpty { continue }
            if let sample = sample(from: line) { return sample }
        }
        return nil
    }

    // MARK: - One line

    private mutating func sample(from line: UnsafeBufferPointer<UInt8>) -> TelemetrySample? {
        // Cut the line at each delimiter, noting a quote or a non-ASCII byte on the way.
        let starts = fieldBounds.starts
        let ends = fieldBounds.ends
        let cut = Self.cut(line, at: delimiter, keeping: neededFields, starts: starts, ends: ends)
        guard cut.plain else { return slowSample(from: line) }
        var fieldCount = cut.fields

        // The empty field after a trailing separator is not a field (as in `CSVFile`).
        var keyLength = line.count
        if trailingSeparator, fieldCount > headerFieldCount, line[line.count - 1] == delimiter {
            fieldCount -= 1
            keyLength -= 1
        }
        if fieldCount != headerFieldCount {
            // Extra fields are empty when the line ends in that many separators.
            let extra = fieldCount - headerFieldCount
            let keep = checkFieldCount(fieldCount) {
                extra <= keyLength && line[(keyLength - extra)..<keyLength].allSatisfy { $0 == delimiter }
            }
            guard keep else { return nil }
        }
        if recentRows.isRepeat(UnsafeBufferPointer(rebasing: line[0..<keyLength])) {
            return bad("duplicate row", nil)
        }

        func field(_ column: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: line[starts[column]..<ends[column]])
        }
        return checkedSample(
            channel: field(channelColumn), value: Self.trimmingSpaces(field(valueColumn)),
            vehicle: field(vehicleColumn), timestamp: field(timestampColumn), metaTime: field(metaTimeColumn),
            lap: field(lapColumn))
    }

    /// A line with quotes or non-ASCII bytes: fields as `CSVFile` gives them, then the same checks.
    private mutating func slowSample(from line: UnsafeBufferPointer<UInt8>) -> TelemetrySample? {
        var fields = CSVFile.split(Array(line)[...], delimiter: delimiter)
        if trailingSeparator, fields.count > headerFieldCount, fields.last == "" { fields.removeLast() }
        if fields.count != headerFieldCount {
            guard checkFieldCount(fields.count, extraEmpty: { fields[headerFieldCount...].allSatisfy(\.isEmpty) })
            else { return nil }
        }

        // Duplicate key: the fields joined by the delimiter, or, when a field holds the delimiter itself, a
        // length-prefixed form behind 0xFF (a byte no UTF-8 text has), so different field lists never meet.
        scratch.removeAll(keepingCapacity: true)
        if fields.contains(where: { $0.utf8.contains(delimiter) }) {
            scratch.append(0xFF)
            for field in fields {
                withUnsafeBytes(of: UInt32(field.utf8.count).littleEndian) { scratch.append(contentsOf: $0) }
                scratch.append(contentsOf: field.utf8)
            }
        } else {
            for (index, field) in fields.enumerated() {
                if index > 0 { scratch.append(delimiter) }
                scratch.append(contentsOf: field.utf8)
            }
        }
        if scratch.withUnsafeBufferPointer({ recentRows.isRepeat($0) }) { return bad("duplicate row", nil) }

        // The six fields laid end to end in the scratch buffer; the value trimmed of Unicode spaces.
        let parts = [
            fields[channelColumn], fields[valueColumn].trimmingCharacters(in: .whitespaces), fields[vehicleColumn],
            fields[timestampColumn], fields[metaTimeColumn], fields[lapColumn],
        ]
        scratch.removeAll(keepingCapacity: true)
        var bounds: [Range<Int>] = []
        for part in parts {
            let start = scratch.count
            scratch.append(contentsOf: part.utf8)
            bounds.append(start..<scratch.count)
        }
        let bytes = scratch
        return bytes.withUnsafeBufferPointer { all in
            func part(_ index: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: all[bounds[index]]) }
            return checkedSample(
                channel: part(0), value: part(1), vehicle: part(2), timestamp: part(3), metaTime: part(4), lap: part(5))
        }
    }

    /// The checks of `TelemetryReader`, in its order, on the six fields' bytes (`value` already trimmed).
    private mutating func checkedSample(
        channel: UnsafeBufferPointer<UInt8>, value rawValue: UnsafeBufferPointer<UInt8>,
        vehicle: UnsafeBufferPointer<UInt8>, timestamp: UnsafeBufferPointer<UInt8>,
        metaTime: UnsafeBufferPointer<UInt8>, lap lapBytes: UnsafeBufferPointer<UInt8>
    ) -> TelemetrySample? {
        guard let code = Self.channelCode(channel) else {
            return bad("unknown telemetry_name", "telemetry_name", "'\(Self.text(channel))' is not a known channel")
        }
        let channelName = TelemetryReader.channelNames[code]
        guard !rawValue.isEmpty else { return bad("empty telemetry_value", "telemetry_value", "value is empty") }
        guard let value = ASCIINumber.double(rawValue), value.isFinite else {
            return bad("non-numeric telemetry_value", "telemetry_value", "'\(Self.text(rawValue))' is not a number")
        }
        guard TelemetryReader.channelRanges[code].contains(value) else {
            return bad(
                "implausible \(channelName)", "telemetry_value",
                "'\(Self.text(rawValue))' is implausible for \(channelName)")
        }

        guard !vehicle.isEmpty else { return bad("missing vehicle_id", "vehicle_id") }
        guard let ecuTime = TRDTime.parseISO(bytes: timestamp, cache: &ecuMinute) else {
            return bad("bad timestamp", "timestamp", "'\(Self.text(timestamp))' is not an ISO-8601 instant")
        }
        guard TRDTime.isPlausibleInstant(ecuTime) else {
            return bad("implausible timestamp", "timestamp", "'\(Self.text(timestamp))' is not in 2000–2100")
        }
        guard let metaTimeMs = TRDTime.parseISO(bytes: metaTime, cache: &metaMinute) else {
            return bad("bad meta_time", "meta_time", "'\(Self.text(metaTime))' is not an ISO-8601 instant")
        }
        guard TRDTime.isPlausibleInstant(metaTimeMs) else {
            return bad("implausible meta_time", "meta_time", "'\(Self.text(metaTime))' is not in 2000–2100")
        }

        guard var lap = ASCIINumber.int(lapBytes), lap >= 0 else {
            return bad("bad lap", "lap", "'\(Self.text(lapBytes))' is not a lap number")
        }
        let vehicleText = vehicleID(vehicle)
        if let first = recentKeys.firstRead(
            vehicle: vehicleKey, ecuTimeMs: ecuTime, channel: Int32(code), value: value, row: lineNumber)
        {
            return first.value == value
                ? bad(
                    TelemetryReader.repeatedReason, "telemetry_value",
                    "\(channelName) \(Self.text(rawValue)) at this ECU instant was read at row \(first.row); dropped")
                : bad(
                    TelemetryReader.conflictReason, "telemetry_value",
                    "\(channelName) '\(Self.text(rawValue))' but row \(first.row) read \(first.value) at this ECU "
                        + "instant; the first is kept")
        }
        if lap == 32768 {
            ledger.record(
                file: fileName, kind: TelemetryReader.kind, reason: "lap counter lost (32768)", row: lineNumber,
                field: "lap", detail: "lap 32768 kept as lap 0 (unknown)")
            lap = 0
        }
        return TelemetrySample(
            vehicleID: vehicleText, lap: lap, metaTimeMs: metaTimeMs, ecuTimeMs: ecuTime,
            channel: channelName, value: value)
    }

    // MARK: - Helpers

    /// Finds the fields of `line` eight bytes at a time: writes the bounds of the first `keeping` fields and
    /// returns how many fields there are, and false when the line holds a double quote or a non-ASCII byte.
    static func cut(
        _ line: UnsafeBufferPointer<UInt8>, at delimiter: UInt8, keeping: Int, starts: UnsafeMutablePointer<Int>,
        ends: UnsafeMutablePointer<Int>
    ) -> (fields: Int, plain: Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let delimiters = ones &* UInt64(delimiter)
        let quotes = ones &* UInt64(UInt8(ascii: "\""))
        let count = line.count
        var fieldCount = 0
        var fieldStart = 0
        var special: UInt64 = 0

        func endField(at index: Int) {
            if fieldCount < keeping {
                starts[fieldCount] = fieldStart
                ends[fieldCount] = index
            }
            fieldCount += 1
            fieldStart = index + 1
        }

        var index = 0
        if let base = line.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian
                special |= (word & 0x8080_8080_8080_8080) | zeroBytes(word ^ quotes)
                var hits = zeroBytes(word ^ delimiters)
                while hits != 0 {
                    endField(at: index + hits.trailingZeroBitCount / 8)
                    hits &= hits - 1
                }
                index += 8
            }
        }
        var plain = special == 0
        while index < count {
            let byte = line[index]
            if byte == delimiter {
                endField(at: index)
            } else if byte == UInt8(ascii: "\"") || byte >= 0x80 {
                plain = false
            }
            index += 1
        }
        endField(at: count)
        return (fieldCount, plain)
    }

    /// The high bit set in exactly the bytes of `word` that are zero (no false hits from borrows).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & lows) &+ lows) | word | lows)
    }

    private func bad(_ reason: String, _ field: String?, _ detail: String? = nil) -> TelemetrySample? {
        ledger.record(
            file: fileName, kind: TelemetryReader.kind, reason: reason, row: lineNumber, field: field, detail: detail)
        return nil
    }

    /// `FieldCountRule` for a row of another width than the header: counts it, and says whether it is kept.
    private func checkFieldCount(_ fieldCount: Int, extraEmpty: () -> Bool) -> Bool {
        let verdict = FieldCountRule.verdict(
            fields: fieldCount, header: header, needed: neededFields, extraEmpty: extraEmpty)
        if let reason = verdict.reason {
            ledger.record(
                file: fileName, kind: TelemetryReader.kind, reason: reason, row: lineNumber, field: verdict.field,
                detail: verdict.detail)
        }
        return verdict.keep
    }

    /// The interned `String` for a vehicle id's bytes (at most 256 ids are kept; more are made each time).
    private mutating func vehicleID(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if lastVehicle < vehicles.count, Self.same(vehicles[lastVehicle].bytes, bytes) {
            vehicleKey = UInt64(lastVehicle)
            return vehicles[lastVehicle].id
        }
        if let index = vehicles.firstIndex(where: { Self.same($0.bytes, bytes) }) {
            lastVehicle = index
            vehicleKey = UInt64(index)
            return vehicles[index].id
        }
        let id = Self.text(bytes)
        if vehicles.count < 256 {
            vehicles.append((Array(bytes), id))
            lastVehicle = vehicles.count - 1
            vehicleKey = UInt64(lastVehicle)
        } else {
            vehicleKey = RecentRowWindow.hash(bytes) | (1 << 63)
        }
        return id
    }

    /// True when `stored` holds exactly the bytes of `bytes`.
    static func same(_ stored: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == bytes.count else { return false }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, base, bytes.count) == 0 }
    }

    /// Index of a known channel name in `TelemetryReader.channelNames`, matched byte for byte.
    static func channelCode(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for (code, name) in TelemetryReader.channelBytes.enumerated() where name.count == bytes.count {
            if same(name, bytes) { return code }
        }
        return nil
    }

    /// Drops ASCII spaces and tabs at both ends (what `.whitespaces` trims from ASCII text).
    static func trimmingSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
