import Foundation

/// A streaming CSV reader for the TRD files: reads a file of any size in constant memory.
///
/// The file is read in 1 MiB chunks through `ByteLineSource` (the telemetry scanner's line cutter, so both
/// number and cut lines alike); only the current line is held as `String`s. It handles a UTF-8 byte-order mark, CRLF or LF line ends, `,` or `;` as delimiter
/// (whichever appears more often in the header line), double-quoted fields (`""` inside quotes is
/// one quote; a quoted field cannot span lines), a trailing separator on every line (the empty
/// last header column is dropped) and spaces around header names (trimmed).
///
/// Row numbers: `CSVRecord.line` is the 1-based **file line number** (header = line 1), so it
/// matches what `sed -n Np` or an editor shows. Blank lines are skipped but still counted.
public final class CSVFile: Sequence, IteratorProtocol {
    /// Path as given, used in errors and the ledger.
    public let path: String
    /// File name only, e.g. `R1_barber_lap_end.csv`.
    public let fileName: String
    public let delimiter: UInt8
    /// Header names, trimmed, without quotes or BOM.
    public let header: [String]
    /// Set when a read failed mid-file; iteration stops there.
    public private(set) var readError: TRDError?

    private var source: ByteLineSource
    private var lineNumber = 0
    private let headerFieldCount: Int
    /// True when every line ends in a separator (the header's empty last column was dropped).
    let trailingSeparator: Bool
    /// File line number of the header (1 unless blank lines come first).
    let headerLineNumber: Int

    /// Opens `url` and reads its header line.
    ///
    /// `from` resumes at a position an earlier pass reported (`position`): the header is still read from the top,
    /// then reading goes on at that byte offset with line numbers counting from its line. `wholeLinesOnly` leaves
    /// a last line without LF unread — a file still being written — for the next pass (`unfinishedBytes`).
    /// - Throws: `TRDError` `.fileMissing`, `.unreadable`, or `.badHeader` (empty file).
    public init(url: URL, from start: FilePosition? = nil, wholeLinesOnly: Bool = false) throws {
        path = url.path
        fileName = url.lastPathComponent

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw TRDError(
                code: .fileMissing, reason: "file not found", file: url.path,
                remedy: "check the data directory path and the file name")
        }
        guard var opened = ByteLineSource(path: url.path, wholeLinesOnly: wholeLinesOnly) else {
            throw Self.openError(url)
        }

        // Header: the first non-empty line, BOM stripped, delimiter guessed from it.
        var rawHeader: [UInt8]?
        while rawHeader == nil, let line = opened.nextLine() {
            lineNumber += 1
            if !line.isEmpty { rawHeader = Array(line) }
        }
        guard var headerBytes = rawHeader else {
            let error = opened.error
            opened.close()
            throw TRDError(
                code: error == nil ? .badHeader : .unreadable,
                reason: error.map { "cannot read header (\($0))" } ?? "file is empty (no header line)",
                file: url.path, row: 1, remedy: "re-copy the file from the source listed in SOURCES.md")
        }
        if headerBytes.starts(with: [0xEF, 0xBB, 0xBF]) { headerBytes.removeFirst(3) }

        let semicolons = headerBytes.lazy.filter { $0 == UInt8(ascii: ";") }.count
        let commas = headerBytes.lazy.filter { $0 == UInt8(ascii: ",") }.count
        delimiter = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")

        var names = CSVFile.split(headerBytes[...], delimiter: delimiter).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        trailingSeparator = names.count > 1 && names.last == ""
        if trailingSeparator { names.removeLast() }
        header = names
        headerFieldCount = names.count
        headerLineNumber = lineNumber

        // Resume only at an offset past the header; anything else reads from the first data line.
        if let start, start.offset > opened.consumedOffset {
            opened.close()
            guard let resumed = ByteLineSource(path: url.path, offset: start.offset, wholeLinesOnly: wholeLinesOnly)
            else { throw Self.openError(url) }
            opened = resumed
            lineNumber = start.line
        }
        source = opened
    }

    private static func openError(_ url: URL) -> TRDError {
        TRDError(
            code: .unreadable, reason: "cannot open file (\(String(cString: strerror(errno))))", file: url.path,
            remedy: "check file permissions")
    }

    /// Just past the last line read (blank lines included): where a later pass resumes (`init(url:from:)`).
    public var position: FilePosition { FilePosition(offset: source.consumedOffset, line: lineNumber) }

    /// Bytes of a last line without LF left unread (with `wholeLinesOnly`, once `next()` returned nil).
    public var unfinishedBytes: Int { source.unfinishedBytes }

    /// Releases the file handle; later `next()` calls return nil.
    public func close() { source.close() }

    /// Index of a header column by name (case-insensitive, spaces trimmed).
    public func column(_ name: String) -> Int? {
        let wanted = name.lowercased()
        return header.firstIndex { $0.lowercased() == wanted }
    }

    /// Index of the first of several alternative column names that exists.
    public func column(anyOf names: [String]) -> Int? {
        for name in names {
            if let index = column(name) { return index }
        }
        return nil
    }

    /// Index of a column that must exist.
    /// - Throws: `TRDError.badHeader` naming the missing column and the header found (control characters
    ///   escaped, cut to `TRDError.excerptLimit` characters: the file may be binary).
    public func requireColumn(_ name: String, alternatives: [String] = []) throws -> Int {
        if let index = column(anyOf: [name] + alternatives) { return index }
        let found = TRDError.printable(header.joined(separator: ","))
        throw TRDError(
            code: .badHeader, reason: "header lacks column '\(name)' (found: \(found))",
            file: path, row: 1, field: name,
            remedy: "is this the right kind of file? compare with SOURCES.md item 1 / 28-35")
    }

    /// Applies `FieldCountRule` to `record`: a row of another width than the header is counted in `ledger` under
    /// `kind`, naming this file, its row and the first field concerned. Returns false when it must be dropped.
    /// - Parameter reading: the columns the reader uses (nil entries are columns the file lacks).
    public func acceptFieldCount(_ record: CSVRecord, reading: [Int?], kind: String, ledger: RowIssueLedger) -> Bool {
        let needed = (reading.compactMap { $0 }.max() ?? -1) + 1
        let verdict = FieldCountRule.verdict(fields: record.fields.count, header: header, needed: needed) {
            record.fields[headerFieldCount...].allSatisfy(\.isEmpty)
        }
        if let reason = verdict.reason {
            ledger.record(
                file: fileName, kind: kind, reason: reason, row: record.line, field: verdict.field,
                detail: verdict.detail)
        }
        return verdict.keep
    }

    /// The next non-empty data row, or nil at end of file (or after a read error, see `readError`).
    public func next() -> CSVRecord? {
        while let line = source.nextLine() {
            lineNumber += 1
            if line.isEmpty { continue }
            var fields = CSVFile.split(Array(line)[...], delimiter: delimiter)
            if trailingSeparator, fields.count > headerFieldCount, fields.last == "" { fields.removeLast() }
            return CSVRecord(line: lineNumber, fields: fields)
        }
        if readError == nil, let error = source.error {
            readError = TRDError(
                code: .unreadable, reason: "read failed after line \(lineNumber) (\(error))", file: path,
                row: lineNumber + 1, remedy: "check the disk and re-copy the file")
        }
        return nil
    }

    /// Splits one line into fields, honouring double quotes.
    static func split(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(16)
        let quote = UInt8(ascii: "\"")
        var index = line.startIndex
        let end = line.endIndex

        while true {
            if index < end, line[index] == quote {
                // Quoted field: read to the closing quote, `""` is an escaped quote.
                var bytes: [UInt8] = []
                index += 1
                while index < end {
                    if line[index] == quote {
                        if index + 1 < end, line[index + 1] == quote {
                            bytes.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    bytes.append(line[index])
                    index += 1
                }
                // Anything between the closing quote and the delimiter is kept verbatim.
                let tailStart = index
                while index < end, line[index] != delimiter { index += 1 }
                bytes.append(contentsOf: line[tailStart..<index])
                fields.append(String(decoding: bytes, as: UTF8.self))
            } else {
                let fieldStart = index
                while index < end, line[index] != delimiter { index += 1 }
                fields.append(String(decoding: line[fieldStart..<index], as: UTF8.self))
            }
            if index >= end { break }
            index += 1  // skip the delimiter
        }
        return fields
    }
}
