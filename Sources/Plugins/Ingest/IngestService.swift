import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `ingest.IngestExternal`: request `IngestRequest`, response `IngestResult`.
///
/// Reads the TRD files in its source (`--set source=PATH`, a file or a directory; default the `ingest`
/// directory beside the SQLite database) that grew since the last pass — long-format telemetry (a name containing
/// `telemetry`) and Al Kamel weather (a name containing `weather`) — and stores their new rows: telemetry
/// pivoted into car frames, weather readings as they are. How far each file was read is kept in the store
/// (`ingest_cursors`), so a restarted plugin, or another replica, carries on where the last pass stopped; every
/// write is an upsert by natural key, so a retried call stores nothing twice.
///
/// Telemetry resumes at the byte offset just past the last whole line the previous pass read (row numbers in
/// the bad-row ledger still count from the top of the file), so a pass costs the new rows only, whatever the
/// file's size. A last line without its LF yet (the writer is mid-line) is left for the next pass. A file whose
/// inode changed, that became shorter than the offset, or whose bytes just before the offset changed was
/// replaced or rewritten: it is read again from the start (the upserts make that safe) and the summary says so.
/// Weather files (one reading a minute, a few hundred rows a race) are read whole whenever they change: their
/// constant-0 track-temperature rule needs the whole file, and re-storing a reading is an idempotent upsert.
final class IngestService: PluginService {
    let name = "ingest"
    let methods = ["ingest.IngestExternal"]
    private var stores: PluginStore?
    private var source = ""
    private var pivot = TelemetryPivot()
    private var logger = Logger(component: "plugin.ingest")
    /// Samples folded and stored per store transaction.
    static let chunk = 20_000

    /// What one pass over one file found.
    struct Pass {
        var taken = 0
        var cursor: IngestCursor
        var restarted: String?
        var unfinishedBytes = 0
    }

    func start(options: PluginOptions, logger: Logger) throws {
        self.logger = logger
        stores = try PluginStore(options.store)
        source = options.settings["source"] ?? Self.defaultSource(options.store)
        logger.info("ingesting external TRD files", ["source": source])
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try IngestRequest(wire: payload)
        guard let store = try stores?.get() else { throw PluginError(.failedPrecondition, "the store is not open") }
        let files = try sourceFiles()
        let ledger = RowIssueLedger()
        var result = IngestResult(
            filesScanned: files.count, filesRead: 0, rowsNew: 0, framesStored: 0, weatherStored: 0, badRows: [],
            summary: "")
        var notes: [String] = []

        for file in files {
            if context.isCancelled { throw PluginError(.deadlineExceeded, "stopped after \(result.filesRead) files") }
            guard let identity = Self.identity(of: file) else { continue }
            let cursor = try? store.ingestCursor(file: file.path)
            if let cursor, cursor.bytes == identity.size, cursor.inode == nil || cursor.inode == identity.inode {
                continue
            }
            do {
                let pass =
                    Self.kind(of: file) == WeatherReader.kind
                    ? try ingestWeather(file, identity: identity, cursor: cursor, into: store, ledger: ledger)
                    : try ingestTelemetry(
                        file, identity: identity, cursor: cursor, into: store, ledger: ledger, result: &result)
                var saved = pass.cursor
                saved.updatedMs = request.nowMs
                try store.saveIngestCursor(saved)
                result.rowsNew += pass.taken
                result.filesRead += 1
                if let restarted = pass.restarted {
                    notes.append("\(file.lastPathComponent) \(restarted): read again from the start")
                    logger.warning(
                        "file replaced or rewritten since the last pass; reading it again from the start",
                        ["file": file.path, "why": restarted])
                }
                if pass.unfinishedBytes > 0 {
                    notes.append(
                        "\(file.lastPathComponent): last line unfinished (\(pass.unfinishedBytes) bytes), left for the next pass"
                    )
                }
            } catch let error as TRDError {
                // One unreadable file is counted and reported; the others are still read.
                ledger.record(
                    file: file.lastPathComponent, kind: "ingest", reason: "unreadable file", row: 0,
                    field: nil, detail: error.description)
            } catch {
                throw PluginError.store(error, doing: "storing rows of \(file.path)")
            }
        }

        result.badRows = ledger.counts
        result.summary =
            "\(result.filesRead) of \(result.filesScanned) files had new rows: \(result.rowsNew) rows, "
            + "\(result.framesStored) frames and \(result.weatherStored) weather readings stored"
            + (ledger.total > 0 ? ", \(ledger.total) bad rows" : "")
            + notes.map { "; " + $0 }.joined()
        return result.encoded()
    }

    /// The `ingest` directory beside the database: a drop folder that needs no configuration.
    static func defaultSource(_ store: StoreLocation) -> String {
        switch store {
        case .sqlite(let path): (path as NSString).deletingLastPathComponent + "/ingest"
        case .postgres: RoadSensePaths.stateDirectory() + "/ingest"
        }
    }

    /// The files of the source, by name; a missing directory is created (it is a drop folder).
    private func sourceFiles() throws -> [URL] {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) {
            try? FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            return []
        }
        guard isDirectory.boolValue else { return [URL(fileURLWithPath: source)] }
        let names = try FileManager.default.contentsOfDirectory(atPath: source).sorted()
        return names.map { URL(fileURLWithPath: source).appendingPathComponent($0) }
            .filter { Self.kind(of: $0) != nil }
    }

    static func kind(of file: URL) -> String? {
        let name = file.lastPathComponent.lowercased()
        guard name.hasSuffix(".csv") else { return nil }
        if name.contains("telemetry") { return TelemetryReader.kind }
        if name.contains("weather") { return WeatherReader.kind }
        return nil
    }

    /// A file's size and inode, or nil when it cannot be stat'ed (gone since the directory was listed).
    static func identity(of file: URL) -> (size: Int64, inode: UInt64)? { FileResume.identity(of: file.path) }

    /// Stores every reading of a weather file that changed (see the type's comment).
    private func ingestWeather(
        _ file: URL, identity: (size: Int64, inode: UInt64), cursor: IngestCursor?, into store: RaceStore,
        ledger: RowIssueLedger
    ) throws -> Pass {
        // Whole lines only: a reading the station is still writing waits for the next pass.
        let readings = try WeatherReader.read(url: file, ledger: ledger, from: nil, wholeLinesOnly: true).samples
        try store.upsertWeather(readings)
        var pass = Pass(
            taken: readings.count,
            cursor: IngestCursor(
                file: file.path, bytes: identity.size, rows: readings.count, updatedMs: 0, inode: identity.inode))
        if let cursor, cursor.inode != nil, cursor.inode != identity.inode { pass.restarted = "was replaced" }
        return pass
    }

    /// Why a telemetry file cannot be resumed at `cursor`, or nil when it can.
    static func restartReason(_ file: URL, identity: (size: Int64, inode: UInt64), cursor: IngestCursor) -> String? {
        guard let offset = cursor.offset else { return nil }
        return FileResume.restartReason(
            path: file.path, identity: identity, offset: offset, inode: cursor.inode, tailHash: cursor.tailHash)
    }

    /// Stores the telemetry rows of `file` past the cursor's offset.
    private func ingestTelemetry(
        _ file: URL, identity: (size: Int64, inode: UInt64), cursor: IngestCursor?, into store: RaceStore,
        ledger: RowIssueLedger, result: inout IngestResult
    ) throws -> Pass {
        var start: FilePosition?
        var previousRows = 0
        var restarted: String?
        if let cursor, let offset = cursor.offset, let line = cursor.line {
            restarted = Self.restartReason(file, identity: identity, cursor: cursor)
            if restarted == nil {
                start = FilePosition(offset: offset, line: line)
                previousRows = cursor.rows
            }
        }

        var taken = 0
        var pending: [TelemetrySample] = []
        func flush() throws {
            let frames = pivot.fold(pending)
            try store.upsertFrames(frames)
            result.framesStored += frames.count
            pending.removeAll(keepingCapacity: true)
        }
        var rows = try TelemetryReader(url: file, ledger: ledger, from: start, wholeLinesOnly: true).makeIterator()
        while let sample = rows.next() {
            pending.append(sample)
            taken += 1
            if pending.count >= Self.chunk { try flush() }
        }
        try flush()
        pivot.resetWindow()
        if let error = rows.readError {
            ledger.record(
                file: file.lastPathComponent, kind: "ingest", reason: "read error (rest left for the next pass)",
                row: rows.position.line + 1, field: nil, detail: error)
        }

        let position = rows.position
        let cursor = IngestCursor(
            file: file.path, bytes: position.offset + Int64(rows.unfinishedBytes), rows: previousRows + taken,
            updatedMs: 0, offset: position.offset, line: position.line, inode: identity.inode,
            tailHash: Self.tailHash(file, before: position.offset))
        return Pass(taken: taken, cursor: cursor, restarted: restarted, unfinishedBytes: rows.unfinishedBytes)
    }

    /// Hash of the bytes of `file` just before `offset` (`FileResume.tailHash`).
    static func tailHash(_ file: URL, before offset: Int64) -> UInt64 {
        FileResume.tailHash(path: file.path, before: offset)
    }
}
