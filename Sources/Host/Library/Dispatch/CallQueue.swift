import RoadSenseProtocol

/// Calls waiting for a worker, by priority and method.
///
/// - **Order** (weighted fair, every priority with a bound): high goes first, but a lower priority that has a
///   call some worker could take is passed over only so often. Medium is passed over at most `mediumBound`
///   (4) times, then its oldest runnable call goes next; low at most `lowBound` (8) times — or one time
///   more when medium's forced turn falls on the same dispatch, since medium's turn comes first. High is
///   passed over only by those forced turns, so at most twice in a row. A priority's count goes up only at
///   dispatches where it had a runnable call, and starts over when it is served or has nothing queued.
///   With all three backlogged the dispatches run H H H H M H H H L M H H H H M H H L …: about 13 high, 5
///   medium and 2 low in 20. Within a priority, the oldest call whose method has a free worker goes first.
/// - **Cost**: each priority keeps one FIFO lane per method, so a pop looks at one head per method, never
///   along a queue of calls no worker can take. Calls in retry backoff wait in `delayed` until due.
/// - **Memory**: past `spillAbove` queued calls, a durable call keeps only a 40-byte `SpilledCall` here —
///   its payload and history are in the store, and `load` reads them back when the call is dispatched.
struct CallQueue {
    /// A durable call whose body lives only in the store while it waits.
    struct SpilledCall {
        let id: CompactCallID
        let sequence: UInt64
        let notBeforeWallMs: Int64
        let expiresWallMs: Int64
        let attempt: UInt32
        let entryIndex: UInt16
    }

    /// A call kept whole in memory (the queue is short, or the call is transient or its id is not a UUID).
    struct ResidentCall {
        let sequence: UInt64
        let pending: PendingCall
    }

    /// One method's FIFO in one priority: resident calls first (always the older ones), then spilled ones.
    struct Lane {
        var resident = Fifo<ResidentCall>()
        var spilled = Fifo<SpilledCall>()

        var count: Int { resident.count + spilled.count }
        var isEmpty: Bool { resident.isEmpty && spilled.isEmpty }
        var headSequence: UInt64? { resident.first?.sequence ?? spilled.first?.sequence }
    }

    /// Reads a spilled call back from the store: nil if its row is gone; throws if the store cannot answer.
    typealias Loader = (String) throws -> PendingCall?

    /// Times a runnable medium call may be passed over before medium goes next.
    let mediumBound: Int
    /// Times a runnable low call may be passed over before low goes next (medium's forced turn first).
    let lowBound: Int
    let spillAbove: Int
    private let load: Loader?
    /// By priority (`slot(_:)`), then by method.
    private var lanes: [[String: Lane]] = Array(repeating: [:], count: Priority.allCases.count)
    private var depths: [Int] = Array(repeating: 0, count: Priority.allCases.count)
    private var delayed: [PendingCall] = []
    private var entryCounts: [String: Int] = [:]
    private var entryNames: [String] = []
    private var entryIndexes: [String: UInt16] = [:]
    private var nextSequence: UInt64 = 0
    /// Dispatches that passed over a runnable medium (low) call since medium (low) was last served.
    private var mediumPassedOver = 0
    private var lowPassedOver = 0
    private(set) var count = 0
    /// Calls whose row had vanished from the store when they were due (dropped; logged by the host).
    private(set) var vanished: [String] = []
    /// While set, no call spills: during a store outage a call's row may be only in the host's spool, so its
    /// body must stay in memory (a lane that already spills then takes its newer resident calls first).
    var spillPaused = false

    init(mediumBound: Int = 4, lowBound: Int = 8, spillAbove: Int = .max, load: Loader? = nil) {
        self.mediumBound = max(mediumBound, 0)
        self.lowBound = max(lowBound, 0)
        self.spillAbove = load == nil ? .max : spillAbove
        self.load = load
    }

    func depth(_ priority: Priority) -> Int { depths[Self.slot(priority)] }
    /// Calls currently held as spilled references (for status and tests).
    var spilledCount: Int { lanes.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.spilled.count } } }

    /// The index of `priority` in `lanes` and `depths` (high 0, medium 1, low 2).
    private static func slot(_ priority: Priority) -> Int { priority.rawValue - Priority.high.rawValue }

    mutating func push(_ call: PendingCall) {
        count += 1
        depths[Self.slot(call.call.priority)] += 1
        entryCounts[call.entry, default: 0] += 1
        if call.notBeforeWallMs > 0 {
            delayed.append(call)
        } else {
            append(call)
        }
    }

    private mutating func append(_ call: PendingCall) {
        nextSequence += 1
        let slot = Self.slot(call.call.priority)
        let method = call.call.method
        let laneHasSpilled = lanes[slot][method].map { !$0.spilled.isEmpty } ?? false
        // Changed in place (the default subscript's modify), so the lane's storage is never copied.
        if let spilled = spill(call, sequence: nextSequence, laneHasSpilled: laneHasSpilled) {
            lanes[slot][method, default: Lane()].spilled.append(spilled)
        } else {
            lanes[slot][method, default: Lane()].resident.append(ResidentCall(sequence: nextSequence, pending: call))
        }
    }

    /// The compact form of `call`, when it may leave memory: durable, a UUID id, and the queue is long (or
    /// its lane already spills, which keeps the lane in arrival order).
    private mutating func spill(_ call: PendingCall, sequence: UInt64, laneHasSpilled: Bool) -> SpilledCall? {
        guard call.durable, !spillPaused, laneHasSpilled || count > spillAbove,
            let id = CompactCallID(call.call.callID), let entry = entryIndex(call.entry)
        else { return nil }
        return SpilledCall(
            id: id, sequence: sequence, notBeforeWallMs: call.notBeforeWallMs,
            expiresWallMs: call.expiresWallMs ?? .max,
            attempt: call.call.attempt, entryIndex: entry)
    }

    private mutating func entryIndex(_ name: String) -> UInt16? {
        if let index = entryIndexes[name] { return index }
        guard entryNames.count < Int(UInt16.max) else { return nil }
        let index = UInt16(entryNames.count)
        entryNames.append(name)
        entryIndexes[name] = index
        return index
    }

    /// Removes and returns the next call whose method `canRun` accepts, at `nowMs`. Throws when a spilled
    /// call's body cannot be read from the store (the call stays queued).
    mutating func pop(nowMs: Int64, canRun: (String) -> Bool) throws -> PendingCall? {
        promoteDelayed(nowMs: nowMs)
        while true {
            // The oldest runnable method of each priority (nil: nothing of that priority can run now).
            let high = depth(.high) > 0 ? oldestRunnable(.high, canRun: canRun) : nil
            let medium = depth(.medium) > 0 ? oldestRunnable(.medium, canRun: canRun) : nil
            let low = depth(.low) > 0 ? oldestRunnable(.low, canRun: canRun) : nil
            let priority: Priority
            let method: String
            if let medium, mediumPassedOver >= mediumBound {
                (priority, method) = (.medium, medium)
            } else if let low, lowPassedOver >= lowBound {
                (priority, method) = (.low, low)
            } else if let next = high.map({ (Priority.high, $0) }) ?? medium.map({ (.medium, $0) })
                ?? low.map({ (.low, $0) })
            {
                (priority, method) = next
            } else {
                return nil
            }
            // A spilled call whose row vanished is no dispatch: look again.
            guard let call = try take(priority, method) else { continue }
            mediumPassedOver = Self.turns(
                mediumPassedOver, served: priority == .medium, runnable: medium != nil, queued: depth(.medium) > 0)
            lowPassedOver = Self.turns(
                lowPassedOver, served: priority == .low, runnable: low != nil, queued: depth(.low) > 0)
            return call
        }
    }

    /// A priority's count of dispatches that passed it over: back to 0 when it was served or has nothing
    /// queued, one more when it had a runnable call, unchanged when its calls could not run anyway.
    private static func turns(_ count: Int, served: Bool, runnable: Bool, queued: Bool) -> Int {
        served || !queued ? 0 : runnable ? count + 1 : count
    }

    private static let highestFirst: [Priority] = [.high, .medium, .low]
    private static let lowestFirst: [Priority] = [.low, .medium, .high]

    /// The method whose lane head is oldest among those `canRun` accepts.
    private func oldestRunnable(_ priority: Priority, canRun: (String) -> Bool) -> String? {
        var best: (method: String, sequence: UInt64)?
        for (method, lane) in lanes[Self.slot(priority)] {
            guard let head = lane.headSequence, head < (best?.sequence ?? .max), canRun(method) else { continue }
            best = (method, head)
        }
        return best?.method
    }

    /// Takes the head of a lane; nil when it was a spilled call whose row is gone (recorded in `vanished`).
    private mutating func take(_ priority: Priority, _ method: String) throws -> PendingCall? {
        // Changed in place through its index (one lookup), so its storage is not copied.
        let slot = Self.slot(priority)
        guard let index = lanes[slot].index(forKey: method) else { return nil }
        defer { if lanes[slot].values[index].isEmpty { lanes[slot].remove(at: index) } }
        let call: PendingCall?
        let entry: String
        if let resident = lanes[slot].values[index].resident.first {
            call = resident.pending
            entry = resident.pending.entry
            lanes[slot].values[index].resident.removeFirst()
        } else if let spilled = lanes[slot].values[index].spilled.first, let load {
            let id = spilled.id.string
            call = try load(id)
            entry = entryNames[Int(spilled.entryIndex)]
            lanes[slot].values[index].spilled.removeFirst()
            if call == nil { vanished.append(id) }
        } else {
            return nil
        }
        count -= 1
        depths[slot] -= 1
        forget(entry: entry)
        return call
    }

    private mutating func forget(entry: String) {
        guard let left = entryCounts[entry] else { return }
        entryCounts[entry] = left > 1 ? left - 1 : nil
    }

    /// Moves calls whose retry backoff is over to the back of their lane.
    private mutating func promoteDelayed(nowMs: Int64) {
        guard !delayed.isEmpty, delayed.contains(where: { $0.notBeforeWallMs <= nowMs }) else { return }
        var waiting: [PendingCall] = []
        for call in delayed {
            if call.notBeforeWallMs <= nowMs { append(call) } else { waiting.append(call) }
        }
        delayed = waiting
    }

    /// Removes and returns every call whose expiry has passed (not started in time: dropped, not run late).
    /// Only calls never started expire: a retry has started once and goes on to its budget. A spilled call
    /// whose body the store cannot give back now stays queued, and is looked at again next time.
    mutating func removeExpired(nowMs: Int64) -> [PendingCall] {
        var expired: [PendingCall] = []
        for slot in lanes.indices {
            for method in Array(lanes[slot].keys) {
                guard var lane = lanes[slot].removeValue(forKey: method) else { continue }
                defer { if !lane.isEmpty { lanes[slot][method] = lane } }
                let before = lane.count
                let residentGone = lane.resident.removeAll {
                    $0.pending.call.attempt == 1 && ($0.pending.expiresWallMs ?? .max) < nowMs
                }
                let spilledGone = lane.spilled.removeAll { $0.attempt == 1 && $0.expiresWallMs < nowMs }
                guard lane.count < before else { continue }
                expired += residentGone.map(\.pending)
                for spilled in spilledGone {
                    switch Result(catching: { try load?(spilled.id.string) }) {
                    case .success(let call?): expired.append(call)
                    case .success(nil):
                        vanished.append(spilled.id.string)
                        forget(entry: entryNames[Int(spilled.entryIndex)])
                    case .failure: lane.spilled.append(spilled)
                    }
                }
                let removed = before - lane.count
                count -= removed
                depths[slot] -= removed
            }
        }
        for call in expired { forget(entry: call.entry) }
        return expired
    }

    /// Spilled calls found missing from the store since the last look (the host logs them).
    mutating func takeVanished() -> [String] {
        defer { vanished.removeAll() }
        return vanished
    }

    /// Entry names with a call queued (for the schedule's no-overlap rule).
    var entries: Set<String> { Set(entryCounts.keys) }
    func hasQueued(entry: String) -> Bool { entryCounts[entry] != nil }
}

/// A first-in first-out buffer whose pops are O(1): a head index moves, and the storage is compacted once
/// the dead prefix is more than half of it.
struct Fifo<Element> {
    private var items: [Element] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var first: Element? { isEmpty ? nil : items[head] }

    mutating func append(_ element: Element) { items.append(element) }

    mutating func removeFirst() {
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: items.count < 4096)
            head = 0
        } else if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
    }

    /// Removes and returns the elements `drop` selects, keeping the others in order.
    mutating func removeAll(where drop: (Element) -> Bool) -> [Element] {
        let live = items[head...]
        guard live.contains(where: drop) else { return [] }
        let dropped = live.filter(drop)
        items = live.filter { !drop($0) }
        head = 0
        return dropped
    }
}

/// A call id that is a UUID, held as 16 bytes instead of a 36-character string.
struct CompactCallID: Hashable {
    let high: UInt64
    let low: UInt64

    /// nil unless `text` is a lowercase hyphenated UUID (what the host and `roadsense submit` generate).
    init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var value: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for (offset, byte) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if digits < 16 { value.0 = value.0 << 4 | nibble } else { value.1 = value.1 << 4 | nibble }
            digits += 1
        }
        high = value.0
        low = value.1
    }

    /// The lowercase hyphenated form, the same text it was made from.
    var string: String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
            let word = index < 16 ? high : low
            let shift = UInt64((15 - index % 16) * 4)
            bytes.append(hex[Int((word >> shift) & 0xf)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
