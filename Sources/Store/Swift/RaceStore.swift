import RaceDomain

/// The store interface the host and the plugins use. Every write is an upsert by natural key, so a
/// redelivered call never duplicates a stored result. Implementations are confined to one thread.
public protocol RaceStore: AnyObject {
    var location: StoreLocation { get }
    /// Rows inserted or updated through this handle since it was opened.
    var rowsWritten: Int { get }

    /// Runs `body` as one transaction: the writes inside commit together (one commit instead of many).
    func batch(_ body: () throws -> Void) throws

    func upsertFrames(_ frames: [CarFrame]) throws
    func upsertCarStates(_ states: [CarState]) throws
    func upsertLaps(_ laps: [LapRecord]) throws
    func upsertWeather(_ samples: [WeatherSample]) throws
    func upsertPredictions(_ predictions: [StrategyPrediction]) throws
    func upsertAlerts(_ alerts: [Alert]) throws
    /// Inserts the call, or updates its state (the payload is written only on insert).
    func recordCall(_ call: CallRecord) throws
    /// Calls still `queued` or `running` (with payloads): what a restarting host must finish.
    func unfinishedCalls() throws -> [CallRecord]
    /// Takes ownership of queued calls that no host owns yet (submitted or retried from outside).
    func claimUnownedCalls(owner: String) throws -> [CallRecord]
    func call(id: String) throws -> CallRecord?
    /// Marks the call failed and files it in `dead_letters` with every attempt's error, in one transaction.
    func deadLetter(_ call: CallRecord, nowMs: Int64) throws
    func deadLetters() throws -> [DeadLetter]
    /// Moves a dead letter back to the queue as a fresh call (attempt 1, unowned); false if no such id.
    func retryDeadLetter(id: String, nowMs: Int64) throws -> Bool
    /// Deletes every dead letter; returns how many.
    func purgeDeadLetters() throws -> Int

    func count(_ table: StoreTable) throws -> Int
    func laps(carKey: String) throws -> [LapRecord]
    func latestCarStates() throws -> [CarState]
    func latestPredictions() throws -> [StrategyPrediction]
    func alerts() throws -> [Alert]
    func calls(state: CallRecord.State?) throws -> [CallRecord]
}

public enum StoreTable: String, CaseIterable, Sendable {
    case carFrames = "car_frames"
    case carStates = "car_states"
    case laps
    case weather
    case predictions
    case alerts
    case calls
    case deadLetters = "dead_letters"
}

/// Opens the store named by `location`, applying migrations.
public func openStore(_ location: StoreLocation) throws -> RaceStore {
    switch location {
    case .sqlite(let path): try SQLiteRaceStore(path: path)
    }
}
