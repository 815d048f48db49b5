import RaceDomain
import RoadSenseProtocol

/// The host's running view of the race, fed by feed events and plugin results, from which it builds
/// each scheduled call's request.
struct RaceTracker {
    private(set) var laps: [LapRecord] = []
    private(set) var pendingSamples: [TelemetrySample] = []
    private(set) var windowStartMs: Int64 = 0
    private(set) var feeds: [String: FeedStatus] = [:]
    private(set) var states: [String: CarState] = [:]
    private(set) var lapEndLaps: [String: Set<Int>] = [:]
    private(set) var lapEndCarNumbers: [String: Int] = [:]
    private(set) var weather: WeatherSample?
    private(set) var samplesFed = 0
    var raceLaps = 0
    /// Timing-sheet number of each feed vehicle, from matching its crossings (RaceData.carByVehicle).
    var carByVehicle: [String: Int] = [:]

    mutating func add(sample: TelemetrySample) {
        if pendingSamples.isEmpty { windowStartMs = sample.metaTimeMs }
        pendingSamples.append(sample)
        samplesFed += 1
        heard(vehicleID: sample.vehicleID, carNumber: carByVehicle[sample.vehicleID], atMs: sample.metaTimeMs)
    }

    mutating func add(lap: LapRecord) { laps.append(lap) }

    /// Timing-loop crossings count laps per vehicle id; they are not a telemetry feed, so they do not
    /// refresh the car's feed status (the stale-feed rule watches telemetry only).
    mutating func add(lapEnd event: LapEvent) {
        lapEndLaps[event.vehicleID, default: []].insert(event.lap)
        if let number = event.carNumber { lapEndCarNumbers[event.vehicleID] = number }
    }

    mutating func add(weather sample: WeatherSample) { weather = sample }

    mutating func add(states newStates: [CarState]) {
        for state in newStates {
            states[CarKey.of(vehicleID: state.frame.vehicleID, carNumber: state.frame.carNumber)] = state
        }
    }

    private mutating func heard(vehicleID: String, carNumber: Int?, atMs: Int64) {
        let known = feeds[vehicleID]?.carNumber
        feeds[vehicleID] = FeedStatus(vehicleID: vehicleID, carNumber: carNumber ?? known, lastSampleMs: atMs)
    }

    /// The request for `telemetry.ProcessLive`: every sample since the last window, and the laps so far.
    mutating func takeTelemetryBatch(nowMs: Int64) -> TelemetryBatch {
        let batch = TelemetryBatch(
            samples: pendingSamples, windowStartMs: pendingSamples.isEmpty ? nowMs : windowStartMs,
            windowEndMs: nowMs, laps: laps)
        pendingSamples.removeAll(keepingCapacity: true)
        return batch
    }

    func strategyRequest(nowMs: Int64) -> StrategyRequest {
        StrategyRequest(laps: laps, raceLaps: raceLaps, nowMs: nowMs)
    }

    func alertRequest(nowMs: Int64) -> AlertRequest {
        AlertRequest(
            states: states.keys.sorted().compactMap { states[$0] }, laps: laps,
            feeds: feeds.values.sorted { $0.vehicleID < $1.vehicleID }, nowMs: nowMs)
    }

    /// Cars in the race: those on the timing sheet (analysis file) when there is one, else every vehicle
    /// on the feed. (The anonymised files disagree: Barber's lap files carry numbers that its timing
    /// sheet does not, so a union would over-count.)
    var carCount: Int {
        let timed = Set(laps.compactMap(\.carNumber))
        if !timed.isEmpty { return timed.count }
        var keys = Set(laps.map { CarKey.of(vehicleID: $0.vehicleID, carNumber: $0.carNumber) })
        for vehicle in Set(feeds.keys).union(lapEndLaps.keys) {
            keys.insert(CarKey.of(vehicleID: vehicle, carNumber: lapEndCarNumbers[vehicle]))
        }
        return keys.count
    }
}
