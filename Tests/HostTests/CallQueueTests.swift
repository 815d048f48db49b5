import RoadSenseProtocol
import Testing

@testable import RoadSenseHost

@Suite("Call queue")
struct CallQueueTests {
    func pending(_ id: String, _ priority: Priority) -> PendingCall {
        PendingCall(
            call: Call(
                callID: id, method: "m.M", deadlineMs: 0, attempt: 1, metadata: [], payload: [], priority: priority),
            entry: id, maxAttempts: 3, enqueuedWallMs: 0, attemptTimeoutMs: 1000)
    }

    @Test("high priority goes before medium and low")
    func priorityOrder() {
        var queue = CallQueue()
        queue.push(pending("low", .low))
        queue.push(pending("medium", .medium))
        queue.push(pending("high", .high))
        let order = (0..<3).compactMap { _ in queue.pop(nowMs: 0, canRun: { _ in true })?.call.callID }
        #expect(order == ["high", "medium", "low"])
    }

    @Test("a low call waits behind at most starvationBound high calls")
    func lowIsNotStarved() {
        var queue = CallQueue(starvationBound: 4)
        queue.push(pending("low", .low))
        for i in 0..<20 { queue.push(pending("high-\(i)", .high)) }
        var position = 0
        while let call = queue.pop(nowMs: 0, canRun: { _ in true }) {
            if call.call.callID == "low" { break }
            position += 1
        }
        #expect(position == 4)
    }

    @Test("a call in retry backoff is not handed out early")
    func backoff() {
        var queue = CallQueue()
        var call = pending("retry", .high)
        call.notBeforeWallMs = 500
        queue.push(call)
        #expect(queue.pop(nowMs: 499, canRun: { _ in true }) == nil)
        #expect(queue.pop(nowMs: 500, canRun: { _ in true })?.call.callID == "retry")
    }

    @Test("only calls never started expire; a retry goes on to its attempt budget")
    func expiryOnlyForFirstAttempts() {
        var queue = CallQueue()
        var fresh = PendingCall(
            call: Call(callID: "fresh", method: "m.M", attempt: 1, payload: [], priority: .high), entry: "e",
            maxAttempts: 3, enqueuedWallMs: 0, attemptTimeoutMs: 1000, expiresWallMs: 100)
        var retry = fresh
        retry.call.callID = "retry"
        retry.call.attempt = 2
        fresh.notBeforeWallMs = 0
        queue.push(fresh)
        queue.push(retry)
        #expect(queue.removeExpired(nowMs: 99).isEmpty)
        #expect(queue.removeExpired(nowMs: 101).map(\.call.callID) == ["fresh"])
        #expect(queue.pop(nowMs: 101, canRun: { _ in true })?.call.callID == "retry")
    }
}
