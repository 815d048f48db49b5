import Foundation
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
    func priorityOrder() throws {
        var queue = CallQueue()
        queue.push(pending("low", .low))
        queue.push(pending("medium", .medium))
        queue.push(pending("high", .high))
        let order = try (0..<3).compactMap { _ in try queue.pop(nowMs: 0, canRun: { _ in true })?.call.callID }
        #expect(order == ["high", "medium", "low"])
    }

    @Test("a low call waits behind at most starvationBound high calls")
    func lowIsNotStarved() throws {
        var queue = CallQueue(starvationBound: 4)
        queue.push(pending("low", .low))
        for i in 0..<20 { queue.push(pending("high-\(i)", .high)) }
        var position = 0
        while let call = try queue.pop(nowMs: 0, canRun: { _ in true }) {
            if call.call.callID == "low" { break }
            position += 1
        }
        #expect(position == 4)
    }

    @Test("a call in retry backoff is not handed out early")
    func backoff() throws {
        var queue = CallQueue()
        var call = pending("retry", .high)
        call.notBeforeWallMs = 500
        queue.push(call)
        #expect(try queue.pop(nowMs: 499, canRun: { _ in true }) == nil)
        #expect(try queue.pop(nowMs: 500, canRun: { _ in true })?.call.callID == "retry")
    }

    @Test("only calls never started expire; a retry goes on to its attempt budget")
    func expiryOnlyForFirstAttempts() throws {
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
        #expect(try queue.pop(nowMs: 101, canRun: { _ in true })?.call.callID == "retry")
    }

    func call(_ id: String, method: String = "m.M", priority: Priority = .medium, entry: String = "submit")
        -> PendingCall
    {
        PendingCall(
            call: Call(callID: id, method: method, attempt: 1, payload: Array(id.utf8), priority: priority),
            entry: entry, maxAttempts: 3, enqueuedWallMs: 0, attemptTimeoutMs: 1000)
    }

    @Test("calls no worker can take do not hold up another method's calls behind them")
    func busyMethodDoesNotBlock() throws {
        var queue = CallQueue()
        for i in 0..<1000 { queue.push(call("slow-\(i)", method: "a.Slow")) }
        queue.push(call("quick", method: "b.Quick"))
        #expect(try queue.pop(nowMs: 0, canRun: { $0 == "b.Quick" })?.call.callID == "quick")
        #expect(try queue.pop(nowMs: 0, canRun: { $0 == "b.Quick" }) == nil)
        #expect(queue.count == 1000)
    }

    @Test("within a priority the oldest runnable call goes first, whatever its method")
    func arrivalOrderAcrossMethods() throws {
        var queue = CallQueue()
        for (id, method) in [("1", "a.A"), ("2", "b.B"), ("3", "a.A"), ("4", "c.C"), ("5", "b.B")] {
            queue.push(call(id, method: method))
        }
        let order = try (0..<5).compactMap { _ in try queue.pop(nowMs: 0, canRun: { _ in true })?.call.callID }
        #expect(order == ["1", "2", "3", "4", "5"])
    }

    @Test("past the resident limit a durable call is read back from the store, in its place in the order")
    func spillsAndLoadsBack() throws {
        let ids = (0..<6).map { _ in UUID().uuidString.lowercased() }
        var bodies: [String: PendingCall] = [:]
        for id in ids { bodies[id] = call(id, entry: "e-\(id.prefix(4))") }
        bodies[ids[4]] = nil  // this row "vanished" from the store
        var loads: [String] = []
        var queue = CallQueue(
            spillAbove: 2,
            load: { id in
                loads.append(id)
                return bodies[id]
            })
        for id in ids { queue.push(call(id, entry: "e-\(id.prefix(4))")) }
        #expect(queue.spilledCount == 4)
        #expect(queue.entries.count == 6)
        var popped: [PendingCall] = []
        while let next = try queue.pop(nowMs: 0, canRun: { _ in true }) { popped.append(next) }
        #expect(popped.map(\.call.callID) == [ids[0], ids[1], ids[2], ids[3], ids[5]])
        #expect(popped.map(\.call.payload) == popped.map { Array($0.call.callID.utf8) })
        #expect(loads == [ids[2], ids[3], ids[4], ids[5]])
        #expect(queue.takeVanished() == [ids[4]])
        #expect(queue.count == 0)
        #expect(queue.entries.isEmpty)
    }

    @Test("a store that cannot answer leaves the spilled call queued")
    func loadFailureKeepsCall() throws {
        struct Down: Error {}
        let id = UUID().uuidString.lowercased()
        var up = false
        var queue = CallQueue(
            spillAbove: 0,
            load: { loaded in
                guard up else { throw Down() }
                return PendingCall(
                    call: Call(callID: loaded, method: "m.M", attempt: 1, payload: [], priority: .low), entry: "x",
                    maxAttempts: 1, enqueuedWallMs: 0, attemptTimeoutMs: 1)
            })
        queue.push(call(id))
        #expect(throws: Down.self) { try queue.pop(nowMs: 0, canRun: { _ in true }) }
        #expect(queue.count == 1)
        up = true
        #expect(try queue.pop(nowMs: 0, canRun: { _ in true })?.call.callID == id)
    }

    @Test("a UUID call id fits in 16 bytes and comes back as the same text; anything else stays a string")
    func compactIDs() {
        for _ in 0..<100 {
            let id = UUID().uuidString.lowercased()
            #expect(CompactCallID(id)?.string == id)
        }
        #expect(CompactCallID("00000000-0000-0000-0000-000000000000")?.string == "00000000-0000-0000-0000-000000000000")
        #expect(CompactCallID("ffffffff-ffff-ffff-ffff-ffffffffffff")?.string == "ffffffff-ffff-ffff-ffff-ffffffffffff")
        #expect(CompactCallID(UUID().uuidString.uppercased()) == nil)
        #expect(CompactCallID("retry") == nil)
        #expect(CompactCallID("0000000000000000000000000000000000000") == nil)
        #expect(CompactCallID("00000000-0000-0000-0000-00000000000g") == nil)
    }
}
