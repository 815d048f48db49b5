import Foundation
import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `weather.Update`: request `WeatherRequest`, response `AnalyticsReport` (kind `weather`).
///
/// With `--set source=FILE` (an Al Kamel `26_Weather…` file the station keeps appending to), it first stores
/// the readings added since its last call (tracked in the store like the ingest plugin's files). Then it reports
/// the `WeatherConditions` as of the request's `now` from the readings of the last `historyMs`: each sensor's
/// latest reading, the air and track trends over the request's window, rain now and rain seen. In replay mode
/// the host stores the race's weather as the replay releases it, so no source is needed.
final class WeatherService: PluginService {
    let name = "weather"
    let methods = ["weather.Update"]
    private var stores: PluginStore?
    private var source: String?
    static let defaultWindowMs: Int64 = WeatherConditions.trendWindowMs
    /// How far back the readings go for "rain seen" (a race day).
    static let historyMs: Int64 = 12 * 3_600_000

    func start(options: PluginOptions, logger: Logger) throws {
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

    /// Stores the rows of the source file past its cursor.
    private func readNew(from source: String, into store: RaceStore, nowMs: Int64) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: source)[.size] as? NSNumber)?.int64Value
        guard let size else {
            throw PluginError(.failedPrecondition, "weather source \(source) is missing or unreadable")
        }
        do {
            let cursor = try store.ingestCursor(file: source)
            guard cursor?.bytes != size else { return }
            let skip = (cursor.map { $0.bytes < size } ?? false) ? cursor!.rows : 0
            let all = try WeatherReader.read(url: URL(fileURLWithPath: source), ledger: RowIssueLedger())
            try store.upsertWeather(Array(all.dropFirst(skip)))
            try store.saveIngestCursor(IngestCursor(file: source, bytes: size, rows: all.count, updatedMs: nowMs))
        } catch let error as TRDError {
            throw PluginError(.failedPrecondition, "weather source \(source): \(error)")
        } catch {
            throw PluginError.store(error, doing: "storing readings of \(source)")
        }
    }
}
