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
final class IngestService: PluginService {
    let name = "ingest"
    let methods = ["ingest.IngestExternal"]
    private var stores: PluginStore?
    private var source = ""
    private var pivot = TelemetryPivot()
    private var logger = Logger(component: "plugin.ingest")
    /// Samples folded and stored per store transaction.
    static let chunk = 20_000

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

        for file in files {
            if context.isCancelled { throw PluginError(.deadlineExceeded, "stopped after \(result.filesRead) files") }
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
            guard let size else { continue }
            let cursor = try? store.ingestCursor(file: file.path)
            guard cursor?.bytes != size else { continue }
            // A file that shrank was replaced: read it from the start.
            let skip = (cursor.map { $0.bytes < size } ?? false) ? cursor!.rows : 0
            do {
                let taken = try ingest(file, skipping: skip, into: store, ledger: ledger, result: &result)
                try store.saveIngestCursor(
                    IngestCursor(file: file.path, bytes: size, rows: skip + taken, updatedMs: request.nowMs))
                result.filesRead += 1
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

    /// Stores the rows of `file` after the first `skip`; returns how many rows it took.
    private func ingest(
        _ file: URL, skipping skip: Int, into store: RaceStore, ledger: RowIssueLedger, result: inout IngestResult
    ) throws -> Int {
        if Self.kind(of: file) == WeatherReader.kind {
            let readings = Array(try WeatherReader.read(url: file, ledger: ledger).dropFirst(skip))
            try store.upsertWeather(readings)
            result.rowsNew += readings.count
            result.weatherStored += readings.count
            return readings.count
        }

        var taken = 0
        var pending: [TelemetrySample] = []
        func flush() throws {
            let frames = pivot.fold(pending)
            try store.upsertFrames(frames)
            result.framesStored += frames.count
            pending.removeAll(keepingCapacity: true)
        }
        for (index, sample) in try TelemetryReader(url: file, ledger: ledger).enumerated() where index >= skip {
            pending.append(sample)
            taken += 1
            if pending.count >= Self.chunk { try flush() }
        }
        try flush()
        pivot.resetWindow()
        result.rowsNew += taken
        return taken
    }
}
