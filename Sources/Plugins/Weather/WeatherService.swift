import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `weather.Update`: request `WeatherRequest`, response `AnalyticsReport` (kind `weather`).
///
/// With `--set source=FILE` (an Al Kamel `26_Weather…` file the station keeps appending to), it first stores
/// the readings added since its last call, resuming at the byte offset its last call stopped at (kept in the
/// store's `ingest_cursors`, like the ingest plugin's files; see `readNew`). Then it reports
/// the `WeatherConditions` as of the request's `now` from the readings of the last `historyMs`: each sensor's
/// latest reading, the air and track trends over the request's window, rain now and rain seen. In replay mode
/// the host stores the race's weather as the replay releases it, so no source is needed.
final class WeatherService: PluginService {
    let name = "weather"
    let methods = ["weather.Update"]
    private var stores: PluginStore?
    private var source: String?
    private var logger = Logger(component: "plugin.weather")
    static let defaultWindowMs: Int64 = WeatherConditions.trendWindowMs
    /// How far back the readings go for "rain seen" (a race day).
    static let historyMs: Int64 = 12 * 3_600_000

    func start(options: PluginOptions, logger: Logger) throws {
        self.logger = logger
        stores = try PluginStore(options.store)
        source = options.settings["source"]
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try WeatherRequest(wire: payload)
        guard let store = try stores?.get() else { throw PluginError(.failedPrecondition, "the store is not open") }
        if let source { try readNew(from: source, into: store, nowMs: request.nowMs) }

        let window = request.windowMs ?? Self.defaultWindowMs
        let samples: [WeatherSample]
        do {
            samples = try store.weather(since: request.nowMs - max(window, Self.historyMs))
        } catch {
            throw PluginError.store(error, doing: "reading stored weather")
        }
        return AnalyticsReport.weather(samples: samples, nowMs: request.nowMs, trendWindowMs: window).encoded()
    }

    /// Stores the rows of the source file added since the last pass.
    ///
    /// Like the ingest plugin's telemetry: the cursor is the byte offset just past the last whole line read and that
    /// line's number, so a pass reads the new lines only, a bad row anywhere shifts nothing, and a line the station is
    /// still writing waits for the next pass. A file replaced, truncated or rewritten (`FileResume`), or a cursor
    /// from before offsets were kept, is read again from the top; re-storing a reading is an idempotent upsert.
    private func readNew(from source: String, into store: RaceStore, nowMs: Int64) throws {
        guard let identity = FileResume.identity(of: source) else {
            throw PluginError(.failedPrecondition, "weather source \(source) is missing or unreadable")
        }
        do {
            let cursor = try store.ingestCursor(file: source)
            if let cursor, cursor.bytes == identity.size, cursor.inode == nil || cursor.inode == identity.inode {
                return
            }
            var start: FilePosition?
            var previousRows = 0
            if let cursor, let offset = cursor.offset, let line = cursor.line {
                if let why = FileResume.restartReason(
                    path: source, identity: identity, offset: offset, inode: cursor.inode, tailHash: cursor.tailHash)
                {
                    logger.warning(
                        "weather source replaced or rewritten since the last pass; reading it again from the start",
                        ["file": source, "why": why])
                } else {
                    start = FilePosition(offset: offset, line: line)
                    previousRows = cursor.rows
                }
            }
            let ledger = RowIssueLedger()
            let pass = try WeatherReader.read(
                url: URL(fileURLWithPath: source), ledger: ledger, from: start, wholeLinesOnly: true)
            try store.upsertWeather(pass.samples)
            try store.saveIngestCursor(
                IngestCursor(
                    file: source, bytes: pass.position.offset + Int64(pass.unfinishedBytes),
                    rows: previousRows + pass.samples.count, updatedMs: nowMs, offset: pass.position.offset,
                    line: pass.position.line, inode: identity.inode,
                    tailHash: FileResume.tailHash(path: source, before: pass.position.offset)))
            // Bad rows of this pass (each is counted once: a later pass starts after it). Barber's absent track
            // sensor is counted on every pass and is no news, so it is logged at info level.
            for issue in ledger.counts {
                let metadata: KeyValuePairs<String, Any> = [
                    "file": source, "reason": issue.reason, "rows": issue.count, "first": issue.example ?? "",
                ]
                if issue.reason.hasPrefix("constant 0") {
                    logger.info("weather rows repaired", metadata)
                } else {
                    logger.warning("weather rows counted as bad and left out or read as missing", metadata)
                }
            }
        } catch let error as TRDError {
            throw PluginError(.failedPrecondition, "weather source \(source): \(error)")
        } catch {
            throw PluginError.store(error, doing: "storing readings of \(source)")
        }
    }
}
