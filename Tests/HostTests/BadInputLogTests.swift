import Testing

@testable import RoadSenseHost

@Suite("Rate limit on bad-input warnings")
struct BadInputLogTests {
    @Test("one line per peer and reason, at most the cap per window; the rest summarised when the window closes")
    func window() {
        var log = BadInputLog(windowMs: 60_000, linesPerWindow: 3)
        // Peer a three times, then b, c, d, e once each, all with one reason: a, b, c are logged.
        let admitted = ["a", "a", "a", "b", "c", "d", "e"].enumerated().map { index, peer in
            log.admit(peer: peer, reason: "bad frame", nowMs: 1000 + Int64(index))
        }
        #expect(admitted == [true, false, false, true, true, false, false])
        // Another reason has its own budget.
        let otherReason = log.admit(peer: "a", reason: "bad hello", nowMs: 2000)
        #expect(otherReason)
        // Nothing is summarised before the window has passed.
        let early = log.closeWindow(nowMs: 60_999)
        #expect(early.isEmpty)
        let summaries = log.closeWindow(nowMs: 61_000)
        #expect(summaries == [BadInputLog.Summary(reason: "bad frame", suppressed: 4, peers: 3, windowMs: 60_000)])
        // A new window starts from scratch.
        let fresh = log.admit(peer: "a", reason: "bad frame", nowMs: 61_001)
        #expect(fresh)
        let forced = log.closeWindow(nowMs: 61_002, force: true)
        #expect(forced.isEmpty)
    }
}
