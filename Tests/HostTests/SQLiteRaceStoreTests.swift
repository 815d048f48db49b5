import Foundation
import RaceDomain
import RoadSenseStore
import Testing

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
