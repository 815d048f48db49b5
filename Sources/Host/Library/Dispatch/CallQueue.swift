import RoadSenseProtocol

/// Calls waiting for a worker, by priority. High goes first, but after `starvationBound` consecutive
/// picks that passed over waiting lower-priority work, the oldest lower-priority call goes next — so a
/// low call waits behind at most `starvationBound` high or medium dispatches.
struct CallQueue {
    private var lanes: [Priority: [PendingCall]] = [.high: [], .medium: [], .low: []]
    private var passedOver = 0
    let starvationBound: Int

    init(starvationBound: Int = 8) { self.starvationBound = starvationBound }

    var count: Int { lanes.values.reduce(0) { $0 + $1.count } }
    func depth(_ priority: Priority) -> Int { lanes[priority]?.count ?? 0 }

    mutating func push(_ call: PendingCall) {
        lanes[call.call.priority, default: []].append(call)
    }

    /// Removes and returns the next call that `canRun` accepts at `nowMs`.
    mutating func pop(nowMs: Int64, canRun: (PendingCall) -> Bool) -> PendingCall? {
        let order: [Priority] = passedOver >= starvationBound ? [.low, .medium, .high] : [.high, .medium, .low]
        for priority in order {
            guard let index = lanes[priority]?.firstIndex(where: { $0.notBeforeWallMs <= nowMs && canRun($0) }) else {
                continue
            }
            let call = lanes[priority]!.remove(at: index)
            let lowerWaiting = Priority.allCases.contains { $0 > priority && !(lanes[$0] ?? []).isEmpty }
            let starvedTurn = passedOver >= starvationBound
            passedOver = (!starvedTurn && lowerWaiting) ? passedOver + 1 : 0
            return call
        }
        return nil
    }

    /// Removes and returns every call whose expiry has passed (not started in time: dropped, not run late).
    mutating func removeExpired(nowMs: Int64) -> [PendingCall] {
        var expired: [PendingCall] = []
        for priority in Priority.allCases {
            guard let lane = lanes[priority], lane.contains(where: { ($0.expiresWallMs ?? .max) < nowMs }) else {
                continue
            }
            expired += lane.filter { ($0.expiresWallMs ?? .max) < nowMs }
            lanes[priority] = lane.filter { ($0.expiresWallMs ?? .max) >= nowMs }
        }
        return expired
    }

    /// Entry names with a call queued (for the schedule's no-overlap rule).
    var entries: Set<String> { Set(lanes.values.joined().map(\.entry)) }
}
