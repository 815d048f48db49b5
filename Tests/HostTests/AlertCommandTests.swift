import Foundation
import RaceDomain
import RoadSenseStore
import Testing

@testable import RoadSenseHost

@Suite("ctl alerts and ctl ack on the store")
struct AlertCommandTests {
    /// A fresh store holding two rpm WARNINGs raised by the monitor at race time 0 (car 13 and car 7).
    private func storeWithWarnings() throws -> (path: String, store: SQLiteRaceStore, ids: [String]) {
        let path = try TestPaths.temporaryDirectory("alerts").appendingPathComponent("rs.sqlite").path
        let store = try SQLiteRaceStore(path: path)
        var monitor = AlertMonitor()
        let frames = [("GR86-022-13", 13), ("GR86-010-7", 7)].map { vehicle, car in
            CarFrame(vehicleID: vehicle, carNumber: car, timeMs: 0, lap: 3, speedKph: 120, rpm: 7_400, ecuTimeMs: 0)
        }
        let alerts = monitor.check(AlertMonitor.Input(frames: frames, nowMs: 0))
        #expect(alerts.map(\.severity) == [.warning, .warning])
        try store.upsertAlerts(alerts)
        return (path, store, alerts.map(\.alertID))
    }

    private func ctl(_ words: [String], store path: String) throws -> Int32 {
        var cursor = ArgumentCursor(words + ["--store", "sqlite:\(path)"])
        return try CtlCommand.parse(&cursor).execute()
    }

    @Test("ctl ack marks the alert acknowledged with its note; it leaves the open list and does not escalate")
    func acknowledgeWithNote() throws {
        let (path, store, ids) = try storeWithWarnings()
        let acked = "threshold/GR86-022-13/nmot/lap-3"
        #expect(ids.sorted() == ["threshold/GR86-010-7/nmot/lap-3", acked])

        #expect(try ctl(["ack", acked, "--note", "shift light checked with the driver"], store: path) == 0)
        let records = try store.alertRecords(openOnly: false, carNumber: nil)
        let record = records.first { $0.alert.alertID == acked }
        #expect(record?.acknowledgedMs != nil)
        #expect(record?.ackNote == "shift light checked with the driver")
        #expect(
            try store.alertRecords(openOnly: true, carNumber: nil).map(\.alert.alertID) == [ids.first { $0 != acked }])
        #expect(try store.alertRecords(openOnly: false, carNumber: 13).map(\.alert.alertID) == [acked])
        #expect(try ctl(["alerts", "--open", "--car", "7", "--json"], store: path) == 0)

        // Acknowledging again keeps the first time; no note keeps the note.
        let first = record?.acknowledgedMs
        #expect(try ctl(["ack", acked], store: path) == 0)
        let again = try store.alertRecords(openOnly: false, carNumber: 13).first
        #expect(again?.acknowledgedMs == first && again?.ackNote == "shift light checked with the driver")

        // Ten minutes on, both cars still over the limit, seen by a fresh monitor (a restarted plugin): the escalation
        // reads the first-raised time and the acknowledgement from the store. The open one escalates, the other not.
        var settings = AlertMonitor.Settings()
        settings.escalateAfterMs = 5 * 60_000
        var monitor = AlertMonitor(settings: settings)
        let known = Dictionary(
            uniqueKeysWithValues: try store.alertRecords(openOnly: false, carNumber: nil).map {
                ($0.alert.alertID, $0.status)
            })
        let frames = [("GR86-022-13", 13), ("GR86-010-7", 7)].map { vehicle, car in
            CarFrame(vehicleID: vehicle, carNumber: car, timeMs: 600_000, lap: 3, speedKph: 120, rpm: 7_400)
        }
        let later = monitor.check(AlertMonitor.Input(frames: frames, known: known, nowMs: 600_000))
        #expect(later.first { $0.alertID == acked }?.severity == .warning)
        #expect(later.first { $0.alertID == "threshold/GR86-010-7/nmot/lap-3" }?.severity == .critical)
        try store.upsertAlerts(later)
        #expect(try store.alertRecords(openOnly: false, carNumber: 7).first?.alert.severity == .critical)
    }

    @Test("ctl ack of an unknown id is refused with the command that lists them")
    func unknownID() throws {
        let (path, _, _) = try storeWithWarnings()
        #expect {
            _ = try ctl(["ack", "threshold/nope"], store: path)
        } throws: { error in
            (error as? HostError)?.code == .badInput && "\(error)".contains("roadsense ctl alerts --open")
        }
        #expect(throws: HostError.self) { _ = try ctl(["alerts", "--car", "x"], store: path) }
    }
}
