import Foundation
import RaceDomain
import Testing

@testable import RoadSenseStore

@Suite("SQLite store")
struct SQLiteRaceStoreTests {
    func store() throws -> SQLiteRaceStore {
        try SQLiteRaceStore(path: try TestPaths.temporaryDirectory("store").appendingPathComponent("s.sqlite").path)
    }

    let lap = LapRecord(
        vehicleID: "GR86-022-13", carNumber: 13, lap: 8, lapTimeMs: 97_428, crossedMs: 1_757_184_000_000,
        s1Ms: 26_000, topSpeedKph: nil, flag: "GF", source: .analysis)

    @Test("writing the same laps twice stores them once")
    func lapUpsertIsIdempotent() throws {
        let store = try store()
        try store.upsertLaps([lap, lap])
        try store.upsertLaps([lap])
        #expect(try store.count(.laps) == 1)
        let stored = try store.laps(carKey: "13")
        #expect(stored == [lap])
    }

    @Test("an alert seen again keeps its first time and takes the higher severity")
    func alertUpsert() throws {
        let store = try store()
        var alert = Alert(
            alertID: "lap_time_drop/13/lap-8", vehicleID: "GR86-022-13", carNumber: 13, rule: "lap_time_drop",
            severity: .warning, message: "slow", raisedMs: 1000, lap: 8, value: 1.05, threshold: 1.03, channel: "")
        try store.upsertAlerts([alert])
        alert.severity = .critical
        alert.raisedMs = 2000
        try store.upsertAlerts([alert])
        alert.severity = .info
        try store.upsertAlerts([alert])
        let stored = try store.alerts()
        #expect(stored.count == 1)
        #expect(stored.first?.severity == .critical)
        #expect(stored.first?.raisedMs == 1000)
    }

    @Test("reopening a store applies no migration twice")
    func reopen() throws {
        let path = try TestPaths.temporaryDirectory("reopen").appendingPathComponent("s.sqlite").path
        try SQLiteRaceStore(path: path).upsertLaps([lap])
        let again = try SQLiteRaceStore(path: path)
        #expect(try again.count(.laps) == 1)
    }

    @Test("an unwritable path is a clear error naming the path")
    func unwritable() {
        #expect(throws: StoreError.self) { try SQLiteRaceStore(path: "/proc/roadsense/s.sqlite") }
    }
}

@Suite("SQLite transactions")
struct SQLiteTransactionTests {
    struct Boom: Error {}

    @Test("an inner transaction that throws undoes only its own writes; the outer batch still commits")
    func innerRollsBackAlone() throws {
        let store = try SQLiteRaceStore(
            path: try TestPaths.temporaryDirectory("savepoint").appendingPathComponent("s.sqlite").path)
        let first = LapRecord(carNumber: 13, lap: 1, lapTimeMs: 100_000, crossedMs: 1, flag: "GF", source: .analysis)
        var second = first
        second.lap = 2
        try store.batch {
            try store.upsertLaps([first])
            _ = try? store.db.transaction { () throws -> Void in
                try store.upsertLaps([second])
                throw Boom()
            }
        }
        #expect(try store.laps(carKey: "13").map(\.lap) == [1])
    }

    @Test("a batch that writes nothing opens no transaction, and the next one works")
    func emptyBatch() throws {
        let store = try SQLiteRaceStore(
            path: try TestPaths.temporaryDirectory("lazy").appendingPathComponent("s.sqlite").path)
        try store.batch {}
        try store.batch {
            try store.upsertLaps([LapRecord(carNumber: 7, lap: 3, lapTimeMs: 1, crossedMs: 1, source: .analysis)])
        }
        #expect(try store.count(.laps) == 1)
    }
}
