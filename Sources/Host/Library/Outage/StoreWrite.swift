import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// One write the host makes to the store, as a value: applied at once when the store is reachable, or
/// encoded into the write spool while it is not and applied when it is back. Every kind is an upsert by
/// natural key (or a state change of one call), so applying one twice, in order, leaves the store as applying
/// it once does — except an alert's sighting count, which counts the second sighting.
///
/// Spool encoding: one kind byte, then the fields. Domain rows use the same protobuf messages that carry them
/// on the wire (`Update` bodies, the plugins' result messages); call and schedule records, which never travel
/// on the wire, are written field by field (`SpoolEncoder`).
enum StoreWrite: Equatable {
    case call(CallRecord)
    /// The call failed for good and goes to the dead letters at `nowMs`.
    case deadLetter(CallRecord, nowMs: Int64)
    case laps([LapRecord])
    case weather([WeatherSample])
    case carStates([CarState])
    case predictions([StrategyPrediction])
    case alerts([Alert])
    case resolveAlert(id: String, nowMs: Int64)
    case report(AnalyticsReport)
    case simulation(SimulationBatch)
    case scheduleRecord(ScheduleRecord)

    /// Applies the write to `store` (inside the caller's transaction, if any).
    func apply(to store: RaceStore) throws {
        switch self {
        case .call(let record): try store.recordCall(record)
        case .deadLetter(let record, let nowMs): try store.deadLetter(record, nowMs: nowMs)
        case .laps(let laps): try store.upsertLaps(laps)
        case .weather(let samples): try store.upsertWeather(samples)
        case .carStates(let states): try store.upsertCarStates(states)
        case .predictions(let predictions): try store.upsertPredictions(predictions)
        case .alerts(let alerts): try store.upsertAlerts(alerts)
        case .resolveAlert(let id, let nowMs): _ = try store.resolveAlert(id: id, nowMs: nowMs)
        case .report(let report): try store.upsertReport(report)
        case .simulation(let batch): try store.upsertSimulation(batch)
        case .scheduleRecord(let record): try store.saveScheduleRecord(record)
        }
    }

    /// True when the write changes nothing (an empty list): not worth a transaction or a spool record.
    var isEmpty: Bool {
        switch self {
        case .laps(let rows): rows.isEmpty
        case .weather(let rows): rows.isEmpty
        case .carStates(let rows): rows.isEmpty
        case .predictions(let rows): rows.isEmpty
        case .alerts(let rows): rows.isEmpty
        default: false
        }
    }

    // MARK: Spool encoding

    private enum Kind: UInt8 {
        case call = 1
        case deadLetter = 2
        case laps = 3
        case weather = 4
        case carStates = 5
        case predictions = 6
        case alerts = 7
        case resolveAlert = 8
        case report = 9
        case simulation = 10
        case scheduleRecord = 11
    }

    func encoded() -> [UInt8] {
        var out = SpoolEncoder()
        switch self {
        case .call(let record):
            out.byte(Kind.call.rawValue)
            Self.write(record, to: &out)
        case .deadLetter(let record, let nowMs):
            out.byte(Kind.deadLetter.rawValue)
            Self.write(record, to: &out)
            out.int64(nowMs)
        case .laps(let laps):
            out.byte(Kind.laps.rawValue)
            Self.updates(laps.map { .lap($0) }, to: &out)
        case .weather(let samples):
            out.byte(Kind.weather.rawValue)
            Self.updates(samples.map { .weather($0) }, to: &out)
        case .carStates(let states):
            out.byte(Kind.carStates.rawValue)
            out.data(TelemetryResult(states: states, samplesIn: 0, samplesRejected: 0, framesStored: 0).encoded())
        case .predictions(let predictions):
            out.byte(Kind.predictions.rawValue)
            out.data(StrategyResult(predictions: predictions).encoded())
        case .alerts(let alerts):
            out.byte(Kind.alerts.rawValue)
            out.data(AlertResult(alerts: alerts).encoded())
        case .resolveAlert(let id, let nowMs):
            out.byte(Kind.resolveAlert.rawValue)
            out.string(id)
            out.int64(nowMs)
        case .report(let report):
            out.byte(Kind.report.rawValue)
            Self.updates([.report(report)], to: &out)
        case .simulation(let batch):
            out.byte(Kind.simulation.rawValue)
            Self.updates([.simulation(batch)], to: &out)
        case .scheduleRecord(let record):
            out.byte(Kind.scheduleRecord.rawValue)
            out.string(record.entry)
            out.string(record.spec)
            out.optional(record.lastSlotMs) { $0.int64($1) }
            out.optional(record.nextSlotMs) { $0.int64($1) }
            out.optional(record.lastFiredMs) { $0.int64($1) }
            out.optional(record.lastOutcome) { $0.string($1) }
            out.int(record.fired)
            out.int(record.skippedOverlap)
            out.int(record.missed)
            out.string(record.owner)
        }
        return out.bytes
    }

    init(spooled bytes: [UInt8]) throws {
        var input = SpoolDecoder(bytes)
        let code = try input.byte()
        guard let kind = Kind(rawValue: code) else {
            throw HostError(.spool, "a spooled store write has unknown kind \(code) (written by a newer roadsense?)")
        }
        switch kind {
        case .call: self = .call(try Self.readCall(&input))
        case .deadLetter: self = .deadLetter(try Self.readCall(&input), nowMs: try input.int64())
        case .laps:
            self = .laps(
                try Self.readUpdates(&input).map {
                    guard case .lap(let lap) = $0 else { throw Self.mismatch("lap") }
                    return lap
                })
        case .weather:
            self = .weather(
                try Self.readUpdates(&input).map {
                    guard case .weather(let sample) = $0 else { throw Self.mismatch("weather sample") }
                    return sample
                })
        case .carStates: self = .carStates(try Self.wire(TelemetryResult.self, &input).states)
        case .predictions: self = .predictions(try Self.wire(StrategyResult.self, &input).predictions)
        case .alerts: self = .alerts(try Self.wire(AlertResult.self, &input).alerts)
        case .resolveAlert: self = .resolveAlert(id: try input.string(), nowMs: try input.int64())
        case .report:
            guard case .report(let report)? = try Self.readUpdates(&input).first else { throw Self.mismatch("report") }
            self = .report(report)
        case .simulation:
            guard case .simulation(let batch)? = try Self.readUpdates(&input).first else {
                throw Self.mismatch("simulation")
            }
            self = .simulation(batch)
        case .scheduleRecord:
            self = .scheduleRecord(
                ScheduleRecord(
                    entry: try input.string(), spec: try input.string(),
                    lastSlotMs: try input.optional { try $0.int64() },
                    nextSlotMs: try input.optional { try $0.int64() },
                    lastFiredMs: try input.optional { try $0.int64() },
                    lastOutcome: try input.optional { try $0.string() }, fired: try input.int(),
                    skippedOverlap: try input.int(), missed: try input.int(), owner: try input.string()))
        }
        guard input.isAtEnd else { throw HostError(.spool, "a spooled \(kind) write has bytes left over") }
    }

    private static func write(_ r: CallRecord, to out: inout SpoolEncoder) {
        out.string(r.callID)
        out.string(r.method)
        out.int(r.priority)
        out.int(r.attempt)
        out.string(r.state.rawValue)
        out.int64(r.enqueuedMs)
        out.optional(r.finishedMs) { $0.int64($1) }
        out.optional(r.status) { $0.string($1) }
        out.optional(r.message) { $0.string($1) }
        out.optional(r.worker) { $0.string($1) }
        out.string(r.entry)
        out.optional(r.payload) { $0.data($1) }
        out.optional(r.result) { $0.data($1) }
        out.int(r.maxAttempts)
        out.int64(r.timeoutMs)
        out.optional(r.expiresMs) { $0.int64($1) }
        out.int64(r.notBeforeMs)
        out.strings(r.errors)
        out.optional(r.owner) { $0.string($1) }
    }

    private static func readCall(_ input: inout SpoolDecoder) throws -> CallRecord {
        let id = try input.string()
        let method = try input.string()
        let priority = try input.int()
        let attempt = try input.int()
        let stateName = try input.string()
        guard let state = CallRecord.State(rawValue: stateName) else {
            throw HostError(.spool, "a spooled call \(id) has unknown state \(stateName)")
        }
        return CallRecord(
            callID: id, method: method, priority: priority, attempt: attempt, state: state,
            enqueuedMs: try input.int64(), finishedMs: try input.optional { try $0.int64() },
            status: try input.optional { try $0.string() }, message: try input.optional { try $0.string() },
            worker: try input.optional { try $0.string() }, entry: try input.string(),
            payload: try input.optional { try $0.data() }, result: try input.optional { try $0.data() },
            maxAttempts: try input.int(), timeoutMs: try input.int64(),
            expiresMs: try input.optional { try $0.int64() },
            notBeforeMs: try input.int64(), errors: try input.strings(), owner: try input.optional { try $0.string() })
    }

    private static func updates(_ bodies: [Update.Body], to out: inout SpoolEncoder) {
        out.int(bodies.count)
        for body in bodies { out.data(Update(seq: 0, publishedMs: 0, topic: "", body: body).encoded()) }
    }

    private static func readUpdates(_ input: inout SpoolDecoder) throws -> [Update.Body] {
        let count = try input.int()
        guard count >= 0 else { throw mismatch("list") }
        return try (0..<count).map { _ in try Update(wire: try input.data()).body }
    }

    private static func wire<M: WireMessage>(_ type: M.Type, _ input: inout SpoolDecoder) throws -> M {
        try M(wire: try input.data())
    }

    private static func mismatch(_ what: String) -> HostError {
        HostError(.spool, "a spooled store write does not hold the \(what) its kind says")
    }
}
