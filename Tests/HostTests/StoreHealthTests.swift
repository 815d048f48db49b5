import Testing

@testable import RoadSenseHost

/// The host's view of its store during an outage: when it probes, and what it counts (docs/outage.md).
@Suite("Store health and probe backoff")
struct StoreHealthTests {
    @Test("probe waits: 250 ms doubling per failed probe, capped at 5 s, half fixed and half jittered")
    func backoff() {
        // ceiling = min(5000, 250 · 2^failures); wait = ceiling/2 + floor(ceiling/2 · jitter).
        #expect(StoreHealth.delay(afterFailures: 0, jitter: 0) == 125)
        #expect(StoreHealth.delay(afterFailures: 0, jitter: 0.5) == 187)
        #expect(StoreHealth.delay(afterFailures: 1, jitter: 0) == 250)
        #expect(StoreHealth.delay(afterFailures: 3, jitter: 0.5) == 1500)
        #expect(StoreHealth.delay(afterFailures: 4, jitter: 0) == 2000)
        #expect(StoreHealth.delay(afterFailures: 5, jitter: 0) == 2500)
        #expect(StoreHealth.delay(afterFailures: 5, jitter: 0.5) == 3750)
        #expect(StoreHealth.delay(afterFailures: 60, jitter: 1) == 5000)
    }

    @Test("an outage begins once, is probed on its schedule, and ends with its length recorded")
    func outage() {
        var health = StoreHealth()
        #expect(!health.isDown && !health.probeDue(nowMs: 0))
        let began = health.failed("connection refused", nowMs: 1000, jitter: 0)
        #expect(began)
        #expect(health.isDown && health.outages == 1)
        #expect(!health.probeDue(nowMs: 1124) && health.probeDue(nowMs: 1125))
        // More failures during the same outage do not begin another.
        let again = health.failed("server closed the connection", nowMs: 1100, jitter: 0)
        #expect(!again)
        #expect(health.outages == 1 && health.lastError == "server closed the connection")
        health.probeFailed("no such socket", nowMs: 1125, jitter: 0)
        #expect(health.nextProbeMs == 1375 && health.failedProbes == 1)
        health.probeFailed("no such socket", nowMs: 1375, jitter: 0)
        #expect(health.nextProbeMs == 1875)
        let length = health.recovered(nowMs: 4000)
        #expect(length == 3000)
        #expect(!health.isDown && health.lastOutageMs == 3000 && health.failedProbes == 0)
        let none = health.recovered(nowMs: 5000)
        #expect(none == nil)
        let second = health.failed("again", nowMs: 6000, jitter: 0)
        #expect(second && health.outages == 2)
    }
}
