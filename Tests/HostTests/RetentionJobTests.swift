import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// The daily cleanups through a real host and a real `roadsense-maintenance` process, on both stores: the
/// store's batched retention runs, finished alerts older than the retention go, open ones stay however old,
/// and the job's result counts what went by kind and batch.
@Suite("Retention jobs through the maintenance plugin", .serialized)
struct RetentionJobTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_757_184_000_000 + 40 * day

    static func alert(_ id: String, at ms: Int64) -> Alert {
        Alert(
            alertID: id, vehicleID: "GR86-022-13", carNumber: 13, rule: "lap_time_drop", severity: .warning,
            message: "slow", raisedMs: ms, lap: 8, value: 1.05, threshold: 1.03, channel: "lap_time")
    }

    @Test(
        "CleanupTelemetry and CleanupAlerts delete in batches what is past retention, open alerts never",
        arguments: StoreKind.available)
    func cleanups(kind: StoreKind) throws {
        let now = Self.now
        let location = try StoreKit.freshLocation(kind, name: "retention-job")
        defer { StoreKit.dispose(location) }
        let seed = try openStore(location)
        // 5 frames 10 days old and 2 from today, of car 2; one car state of each age.
        let old = now - 10 * Self.day
        func frame(_ time: Int64) -> CarFrame {
            CarFrame(vehicleID: "GR86-002-000", carNumber: 2, timeMs: time, ecuTimeMs: time)
        }
        let oldFrames: [CarFrame] = (0..<5).map { frame(old + Int64($0)) }
        let newFrames: [CarFrame] = (0..<2).map { frame(now + Int64($0)) }
        try seed.upsertFrames(oldFrames + newFrames)
        try seed.upsertCarStates([
            CarState(frame: CarFrame(vehicleID: "GR86-002-000", carNumber: 2, timeMs: old), samples: 1),
            CarState(frame: CarFrame(vehicleID: "GR86-002-000", carNumber: 2, timeMs: now), samples: 1),
        ])
        // Alerts raised 40 days ago: open; resolved 31 days ago; acknowledged 31 days ago; acknowledged 2 days ago.
        let raised = now - 40 * Self.day
        try seed.upsertAlerts(["open", "resolved", "acked", "acked-lately"].map { Self.alert($0, at: raised) })
        #expect(try seed.resolveAlert(id: "resolved", nowMs: now - 31 * Self.day))
        #expect(try seed.acknowledgeAlert(id: "acked", note: nil, nowMs: now - 31 * Self.day))
        #expect(try seed.acknowledgeAlert(id: "acked-lately", note: "checked", nowMs: now - 2 * Self.day))

        let harness = try HostHarness(
            replicas: 1, store: location,
            plugins: [
                [
                    "name": "maintenance", "executable": "roadsense-maintenance", "replicas": 1,
                    "methods": ["maintenance.CleanupTelemetry", "maintenance.CleanupAlerts"],
                    "arguments": [
                        "--set", "telemetry-retention-days=7", "--set", "alert-retention-days=30", "--set",
                        "retention-batch-rows=2",
                    ],
                ]
            ])
        try harness.start()
        defer { harness.stop() }
        let request = MaintenanceRequest(nowMs: now).encoded()
        let telemetry = try harness.submit("maintenance.CleanupTelemetry", payload: request)
        let alerts = try harness.submit("maintenance.CleanupAlerts", payload: request)
        #expect(
            try harness.waitOnStore(seconds: 60) { store in
                try [telemetry, alerts].allSatisfy { try store.call(id: $0)?.state == .succeeded }
            })

        let store = try openStore(location)
        let telemetryResult = try MaintenanceResult(wire: try #require(try store.call(id: telemetry)?.result))
        // Frames: 5 old ones in batches of 2 → 2, 2, 1; the car state: 1 in a short batch. 4 batches.
        #expect(telemetryResult.framesDeleted == 5)
        #expect(telemetryResult.carStatesDeleted == 1)
        #expect(telemetryResult.alertsDeleted == 0)
        #expect(telemetryResult.rowsDeleted == 6)
        #expect(telemetryResult.batches == 4)
        #expect(telemetryResult.cutoffMs == now - 7 * Self.day)
        #expect(try store.count(.carFrames) == 2 && store.count(.carStates) == 1)

        let alertsResult = try MaintenanceResult(wire: try #require(try store.call(id: alerts)?.result))
        // The resolved and the acknowledged alert, 2 in one full batch, then an empty one.
        #expect(alertsResult.alertsDeleted == 2)
        #expect(alertsResult.framesDeleted == 0)
        #expect(alertsResult.batches == 2)
        #expect(try store.alerts().map(\.alertID).sorted() == ["acked-lately", "open"])
    }
}
