import PluginRuntime
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `telemetry.ProcessLive`: request `TelemetryBatch`, response `TelemetryResult`.
///
/// Folds the window's samples into per-car frames (one per car clock instant, forward-filled), upserts
/// them by (vehicle, ECU time) so a redelivered call stores nothing twice, and returns one `CarState` per
/// car seen so far, with laps, best lap and position from the batch's lap records.
final class TelemetryService: PluginService {
    let name = "telemetry"
    let methods = ["telemetry.ProcessLive"]
    private var stores: PluginStore?
    private var pivot = TelemetryPivot()
    private var logger = Logger(component: "plugin.telemetry")

    func start(options: PluginOptions, logger: Logger) throws {
        self.logger = logger
        stores = try PluginStore(options.store)
    }

    /// A batch whose frames cannot be stored leaves the pivot as it was: the retry (after a store outage, say)
    /// folds the same samples onto the same state, so the frames it stores are the ones this call would have.
    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let batch = try TelemetryBatch(wire: payload)
        let before = pivot
        let frames = pivot.fold(batch.samples)
        do {
            try stores?.get().upsertFrames(frames)
        } catch let error as StoreError {
            pivot = before
            throw PluginError(error.isRetryable ? .unavailable : .internal, "storing \(frames.count) frames: \(error)")
        } catch {
            pivot = before
            throw error
        }

        let states = carStates(standings: RunningOrder.standings(laps: batch.laps))
        pivot.resetWindow()
        let result = TelemetryResult(
            states: states, samplesIn: batch.samples.count, samplesRejected: 0, framesStored: frames.count)
        return result.encoded()
    }

    /// One state per car: the telemetry cars with their latest frame, and every other car on the timing
    /// sheet with what timing knows (laps, last and best lap, position). A telemetry car is matched to its
    /// timing entry by vehicle id, else by race number.
    func carStates(standings: [CarStanding]) -> [CarState] {
        let byVehicle = Dictionary(
            standings.filter { !$0.vehicleID.isEmpty }.map { ($0.vehicleID, $0) }, uniquingKeysWith: { a, _ in a })
        let byKey = Dictionary(standings.map { ($0.carKey, $0) }, uniquingKeysWith: { a, _ in a })
        let window = pivot.windowStats()
        var matched = Set<String>()
        var states: [CarState] = []
        for var frame in pivot.latest() {
            let standing =
                byVehicle[frame.vehicleID] ?? byKey[CarKey.of(vehicleID: frame.vehicleID, carNumber: frame.carNumber)]
            if let standing {
                matched.insert(standing.carKey)
                frame.carNumber = frame.carNumber ?? standing.carNumber
            }
            let stats = window[frame.vehicleID]
            states.append(
                CarState(
                    frame: frame, samples: stats?.samples ?? 0, lastLapMs: standing?.lastLapMs,
                    bestLapMs: standing?.bestLapMs, position: standing?.position,
                    lapsCompleted: standing?.lapsCompleted ?? 0, maxSpeedKph: stats?.maxSpeedKph,
                    finished: standing?.finished ?? false))
        }
        for standing in standings where !matched.contains(standing.carKey) {
            let frame = CarFrame(
                vehicleID: standing.vehicleID, carNumber: standing.carNumber, timeMs: standing.lastCrossedMs,
                lap: standing.finished ? standing.lapsCompleted : standing.lapsCompleted + 1)
            states.append(
                CarState(
                    frame: frame, samples: 0, lastLapMs: standing.lastLapMs, bestLapMs: standing.bestLapMs,
                    position: standing.position, lapsCompleted: standing.lapsCompleted, finished: standing.finished))
        }
        return states
    }
}
