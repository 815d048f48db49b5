import RoadSenseProtocol

/// Calls waiting for a worker, by priority. High goes first, but after `starvationBound` consecutive
/// picks that passed over waiting lower-priority work, the oldest call of the lowest waiting priority goes
/// next — so a low call waits behind at most `starvationBound` high or medium dispatches.
struct CallQueue {
    /// One priority's FIFO. Popping from the front is O(1): a head index moves, and the array is
    /// compacted once the dead prefix is half of it.
    struct Lane {
        private var items: [PendingCall] = []
        private var head = 0

        var count: Int { items.count - head }
        var isEmpty: Bool { count == 0 }
        var live: ArraySlice<PendingCall> { items[head...] }

        mutating func append(_ call: PendingCall) { items.append(call) }

        /// Removes the first call that `accept` takes.
        mutating func removeFirst(where accept: (PendingCall) -> Bool) -> PendingCall? {
            guard let index = items[head...].firstIndex(where: accept) else { return nil }
            let call = items[index]
            if index == head {
                head += 1
                if head > 1024 && head * 2 > items.count {
                    items.removeFirst(head)
                    head = 0
                }
            } else {
                items.remove(at: index)
            }
            return call
        }

        mutating func removeAll(where drop: (PendingCall) -> Bool) -> [PendingCall] {
            let dropped = items[head...].filter(drop)
            guard !dropped.isEmpty else { return [] }
            items = items[head...].filter { !drop($0) }
            head = 0
            return dropped
        }
    }

    private var lanes: [Priority: Lane] = [.high: Lane(), .medium: Lane(), .low: Lane()]
    private var passedOver = 0
    let starvationBound: Int

    init(starvationBound: Int = 8) { self.starvationBound = starvationBound }

    var count: Int { lanes.values.reduce(0) { $0 + $1.count } }
    func depth(_ priority: Priority) -> Int { lanes[priority]?.count ?? 0 }

    mutating func push(_ call: PendingCall) {
        lanes[call.call.priority, default: Lane()].append(call)
    }

    /// Removes and returns the next call that `canRun` accepts at `nowMs`.
    mutating func pop(nowMs: Int64, canRun: (PendingCall) -> Bool) -> PendingCall? {
        let order: [Priority] = passedOver >= starvationBound ? [.low, .medium, .high] : [.high, .medium, .low]
        for priority in order {
            // Mutated in place (`lanes[priority]!`), so the lane's array is not copied on every pop.
            guard !(lanes[priority]?.isEmpty ?? true),
                let call = lanes[priority]!.removeFirst(where: { $0.notBeforeWallMs <= nowMs && canRun($0) })
            else { continue }
            let lowerWaiting = Priority.allCases.contains { $0 > priority && !(lanes[$0]?.isEmpty ?? true) }
            let starvedTurn = passedOver >= starvationBound
            passedOver = (!starvedTurn && lowerWaiting) ? passedOver + 1 : 0
            return call
        }
        return nil
    }

    /// Removes and returns every call whose expiry has passed (not started in time: dropped, not run late).
    mutating func removeExpired(nowMs: Int64) -> [PendingCall] {
        var expired: [PendingCall] = []
        for priority in Priority.allCases where !(lanes[priority]?.isEmpty ?? true) {
            // Only calls never started expire: a retry has started once and goes on to its budget.
            expired += lanes[priority]!.removeAll { $0.call.attempt == 1 && ($0.expiresWallMs ?? .max) < nowMs }
        }
        return expired
    }

    /// Entry names with a call queued (for the schedule's no-overlap rule).
    var entries: Set<String> { Set(lanes.values.flatMap { $0.live.map(\.entry) }) }
}
