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

@Suite("SQLite store: schedule state, leadership and the maintenance jobs")
struct SQLiteStoreJobsTests {
    func path() throws -> String {
        try TestPaths.temporaryDirectory("store-jobs").appendingPathComponent("s.sqlite").path
    }

    @Test("the scheduler leadership is one flock: a second handle waits until the first is released")
    func leadership() throws {
        let path = try path()
        let a = try SQLiteRaceStore(path: path).schedulerLeadership()
        let b = try SQLiteRaceStore(path: path).schedulerLeadership()
        #expect(try a.tryAcquire())
        #expect(try !b.tryAcquire())
        #expect(try a.tryAcquire())
        a.release()
        #expect(try b.tryAcquire())
        #expect(b.resource == path + "-scheduler.lock")
    }

    @Test("schedule records are upserted by entry name")
    func scheduleRecords() throws {
        let store = try SQLiteRaceStore(path: try path())
        var record = ScheduleRecord(
            entry: "cleanup-old-telemetry", spec: "cron \"0 3 * * *\" UTC", lastSlotMs: 1000, nextSlotMs: 2000,
            lastFiredMs: 1001, lastOutcome: nil, fired: 1, skippedOverlap: 0, missed: 0, owner: "host-1")
        try store.saveScheduleRecord(record)
        record.lastOutcome = "succeeded"
        record.owner = "host-2"
        try store.saveScheduleRecord(record)
        #expect(try store.scheduleRecords() == [record])
    }

    @Test("retention deletes and acknowledgement change exactly the old rows and count them")
    func maintenance() throws {
        let store = try SQLiteRaceStore(path: try path())
        let frames = (0..<5).map { i in
            CarFrame(vehicleID: "GR86-002-000", carNumber: 2, timeMs: Int64(i) * 1000, lap: 1, ecuTimeMs: Int64(i))
        }
        try store.upsertFrames(frames)
        try store.upsertCarStates(
            frames.map {
                CarState(frame: $0, samples: 1, lastLapMs: nil, bestLapMs: nil, position: 1, lapsCompleted: 0)
            })
        func alert(_ id: String, _ at: Int64) -> Alert {
            Alert(
                alertID: id, vehicleID: "v", carNumber: 2, rule: "stale_feed", severity: .warning, message: "m",
                raisedMs: at, lap: 1, value: nil, threshold: nil, channel: "")
        }
        try store.upsertAlerts([alert("old", 1000), alert("older", 500), alert("new", 9000)])

        // Frames and states at 0, 1000, 2000 are before 2500: 3 + 3 rows.
        #expect(try store.deleteTelemetry(before: 2500) == 6)
        #expect(try store.count(.carFrames) == 2)
        #expect(try store.deleteTelemetry(before: 2500) == 0)

        #expect(try store.acknowledgeAlerts(lastRaisedBefore: 2000, nowMs: 10_000) == 2)
        #expect(try store.acknowledgeAlerts(lastRaisedBefore: 2000, nowMs: 11_000) == 0)
        #expect(try store.acknowledgedAlerts() == ["old": 10_000, "older": 10_000])
        #expect(try store.deleteAlerts(lastRaisedBefore: 800) == 1)
        #expect(try store.alerts().map(\.alertID).sorted() == ["new", "old"])
    }

    @Test("reports and simulations read back as written")
    func reportsAndSimulations() throws {
        let store = try SQLiteRaceStore(path: try path())
        let report = AnalyticsReport(
            kind: "performance", generatedMs: 5000,
            cars: [
                CarPerformance(
                    vehicleID: "GR86-002-000", carNumber: 2, lapsCompleted: 6, bestLapMs: 98_326, bestLapNumber: 5,
                    theoreticalBestMs: 97_900, topSpeedKph: 180.5, medianGreenLapMs: 98_700, position: 4)
            ], weather: nil, summary: "1 car")
        var first = report
        first.summary = "written before"
        first.cars[0].position = 9
        try store.upsertReport(first)
        try store.upsertReport(report)
        #expect(try store.latestReport(kind: "performance") == report)
        #expect(try store.latestReport(kind: "competitor") == nil)

        let batch = SimulationBatch(
            computedMs: 7000, iterations: 2000, seed: UInt64.max, lapsRemaining: 3,
            cars: [
                FinishProjection(
                    vehicleID: "a", carNumber: 13, currentPosition: 1, expectedPosition: 1.2, winProbability: 0.8,
                    podiumProbability: 1)
            ])
        try store.upsertSimulation(batch)
        try store.upsertSimulation(batch)
        #expect(try store.latestSimulation() == batch)
        #expect(try store.count(.simulations) == 1)
    }

    @Test("laps since an instant: every car's laps crossed at or after it")
    func lapsSince() throws {
        let store = try SQLiteRaceStore(path: try path())
        let laps = [(13, 1, 100_000), (13, 2, 200_000), (7, 1, 150_000), (7, 2, 260_000)].map {
            LapRecord(
                vehicleID: "", carNumber: $0.0, lap: $0.1, lapTimeMs: 100_000, crossedMs: Int64($0.2), flag: "GF",
                source: .analysis)
        }
        try store.upsertLaps(laps)
        let since = try store.laps(since: 150_000)
        #expect(since.map { "\($0.carNumber ?? 0)/\($0.lap)" } == ["13/2", "7/1", "7/2"])
    }
}
