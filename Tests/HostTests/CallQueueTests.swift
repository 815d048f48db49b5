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

    @Test("a low call waits behind at most lowBound high calls")
    func lowIsNotStarved() throws {
        var queue = CallQueue(lowBound: 4)
        queue.push(pending("low", .low))
        for i in 0..<20 { queue.push(pending("high-\(i)", .high)) }
        var position = 0
        while let call = try queue.pop(nowMs: 0, canRun: { _ in true }) {
            if call.call.callID == "low" { break }
            position += 1
        }
        #expect(position == 4)
    }

    /// The letters of the priorities of the next `count` pops.
    func letters(_ queue: inout CallQueue, _ count: Int, canRun: (String) -> Bool = { _ in true }) throws -> String {
        var out = ""
        for _ in 0..<count {
            guard let call = try queue.pop(nowMs: 0, canRun: canRun) else { break }
            out += ["H", "M", "L"][call.call.priority.rawValue - 1]
        }
        return out
    }

    @Test("high, medium and low all waiting: medium goes after 4 high, low after 8 passes (by hand)")
    func threeLanesBacklogged() throws {
        var queue = CallQueue()
        for i in 0..<30 {
            queue.push(pending("low-\(i)", .low))
            queue.push(pending("medium-\(i)", .medium))
            queue.push(pending("high-\(i)", .high))
        }
        // Worked by hand from the rule (medium due at 4 passes, low at 8, medium's turn first):
        // pops 1–4 H (m 4, l 4); 5 M (l 5); 6–8 H (m 3, l 8); 9 L (m 4); 10 M (l 1); 11–14 H (m 4, l 5);
        // 15 M (l 6); 16–17 H (m 2, l 8); 18 L (m 3); 19 H (m 4); 20 M.
        #expect(try letters(&queue, 20) == "HHHHMHHHLMHHHHMHHLHM")
    }

    @Test("medium is not starved behind high when low is waiting too (8 high then 1 low never served medium)")
    func mediumNotStarvedByHighAndLow() throws {
        var queue = CallQueue()
        for i in 0..<100 { queue.push(pending("high-\(i)", .high)) }
        queue.push(pending("medium", .medium))
        queue.push(pending("low", .low))
        var order: [String] = []
        while let call = try queue.pop(nowMs: 0, canRun: { _ in true }) { order.append(call.call.callID) }
        #expect(order.firstIndex(of: "medium") == 4)
        #expect(order.firstIndex(of: "low") == 8)
        #expect(order.count == 102)
    }

    @Test("a priority whose calls cannot run is not counted as passed over, and takes its turn once they can")
    func blockedLaneIsNotPassedOver() throws {
        var queue = CallQueue()
        for i in 0..<40 { queue.push(call("high-\(i)", method: "h.H", priority: .high)) }
        for i in 0..<5 { queue.push(call("medium-\(i)", method: "m.Busy", priority: .medium)) }
        // No worker for m.Busy: only high runs, and medium's count does not grow…
        #expect(try letters(&queue, 10, canRun: { $0 != "m.Busy" }) == "HHHHHHHHHH")
        // …so once a worker is free, medium is served after 4 more high calls, not at once.
        #expect(try letters(&queue, 10) == "HHHHMHHHHM")
    }

    @Test("random arrivals and busy workers: medium is never passed over more than 4 times, low 9, high 2")
    func boundsHoldUnderRandomLoad() throws {
        var random = SplitMix(seed: 20_251_204)
        var queue = CallQueue()
        let methods = ["a.A", "b.B", "c.C"]
        // The model: queued call ids per priority, in arrival order, with their methods.
        var model: [Priority: [(id: String, method: String)]] = [.high: [], .medium: [], .low: []]
        var passed: [Priority: Int] = [.high: 0, .medium: 0, .low: 0]
        var worst: [Priority: Int] = [.high: 0, .medium: 0, .low: 0]
        var served: [Priority: Int] = [.high: 0, .medium: 0, .low: 0]
        var next = 0
        for _ in 0..<5000 {
            // Bursty arrivals, heavier for high; about as many as pops, so every lane stays under pressure.
            for priority in Priority.allCases {
                let chance = priority == .high ? 50 : priority == .medium ? 25 : 12
                while random.below(100) < chance {
                    next += 1
                    let item = (id: "c\(next)", method: methods[random.below(methods.count)])
                    queue.push(call(item.id, method: item.method, priority: priority))
                    model[priority, default: []].append(item)
                    if random.below(2) == 0 { break }
                }
            }
            let free = Set(methods.filter { _ in random.below(4) != 0 })
            let runnable = Set(
                Priority.allCases.filter { p in model[p, default: []].contains { free.contains($0.method) } })
            guard let popped = try queue.pop(nowMs: 0, canRun: { free.contains($0) }) else {
                #expect(runnable.isEmpty)
                continue
            }
            let priority = popped.call.priority
            // Within its priority, the oldest call of a method with a free worker.
            let expected = model[priority, default: []].first { free.contains($0.method) }
            #expect(popped.call.callID == expected?.id)
            model[priority]?.removeAll { $0.id == popped.call.callID }
            served[priority, default: 0] += 1
            for p in Priority.allCases {
                if p == priority || model[p, default: []].isEmpty {
                    passed[p] = 0
                } else if runnable.contains(p) {
                    passed[p, default: 0] += 1
                    worst[p] = max(worst[p] ?? 0, passed[p] ?? 0)
                }
            }
        }
        #expect(worst[.medium]! <= 4, "\(worst)")
        #expect(worst[.low]! <= 9, "\(worst)")
        #expect(worst[.high]! <= 2, "\(worst)")
        // Each lane really was under pressure (the bounds were reached), and every lane was served.
        #expect(worst[.medium]! == 4 && worst[.low]! >= 8, "\(worst)")
        #expect(served.values.allSatisfy { $0 > 300 }, "\(served)")
    }

    /// A small seeded generator (SplitMix64), so the random test is the same on every run.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func below(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
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
