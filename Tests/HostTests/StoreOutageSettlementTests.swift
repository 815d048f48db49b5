import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// A call that finishes while the store is unreachable (docs/outage.md): its result and its settlement are
/// spooled, the host stays up and dispatches nothing new, and once the store is back the call's row says it
/// succeeded, with its result, after one attempt.
@Suite("A call settled during a store outage", .serialized)
struct StoreOutageSettlementTests {
    @Test(
        "a call that succeeds while PostgreSQL is down is recorded as succeeded once it is back",
        arguments: StoreKind.available.filter { $0 == .postgres })
    func settledDuringOutage(kind: StoreKind) throws {
        let directory = try TestPaths.temporaryDirectory("outage-settle")
        let data = directory.appendingPathComponent("pg")
        let url = try StoreOutageTests.cluster("start", data)
        defer {
            _ = try? StoreOutageTests.cluster("stop", data)
            try? FileManager.default.removeItem(at: directory)
        }
        let harness = try HostHarness(replicas: 1, store: .postgres(url: url))
        try harness.start()
        defer { harness.stop() }

        // A 3 s call: once it is running, the server goes away; the call finishes during the outage.
        let id = try harness.submit("bench.Sleep", payload: BenchRequest(sleepMs: 3000, blob: [7, 7]).encoded())
        #expect(try harness.waitOnStore(seconds: 30) { try $0.call(id: id)?.state == .running })
        _ = try StoreOutageTests.cluster("stop", data)
        #expect(StoreOutageReplayTests.wait(seconds: 30) { harness.log.contains("store unreachable") })
        var spool: [String: Any] = [:]
        #expect(
            StoreOutageReplayTests.wait(seconds: 30) {
                let health = StoreOutageReplayTests.ctlStatus(harness.runtime)["store_health"] as? [String: Any]
                spool = health?["spool"] as? [String: Any] ?? [:]
                let done = (StoreOutageReplayTests.ctlStatus(harness.runtime)["workers"] as? [[String: Any]])?
                    .contains { ($0["done"] as? Int ?? 0) >= 1 }
                return health?["state"] as? String == "unreachable" && done == true
            })
        #expect((spool["records"] as? Int ?? 0) >= 1, "spool: \(spool)")
        #expect(harness.host?.isRunning == true)

        _ = try StoreOutageTests.cluster("start", data)
        #expect(StoreOutageReplayTests.wait(seconds: 30) { harness.log.contains("store outage over") })
        // This process's own pooled connections died with the server: the first use of each says so once.
        var found: CallRecord?
        #expect(
            StoreOutageReplayTests.wait(seconds: 10) {
                found = try? openStore(.postgres(url: url)).call(id: id)
                return found != nil
            })
        let store = try openStore(.postgres(url: url))
        let record = try #require(found)
        #expect(record.state == .succeeded)
        #expect(record.attempt == 1)
        #expect(try BenchResult(wire: try #require(record.result)).blob == [7, 7])
        #expect(try store.deadLetters() == [])
    }
}
