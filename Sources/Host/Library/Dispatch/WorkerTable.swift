import RoadSenseProtocol

/// The plugin processes registered with this host, by ZeroMQ identity.
struct WorkerTable {
    struct Worker {
        let identity: [UInt8]
        let hello: Hello
        var lastHeardWallMs: Int64
        var inFlight: Set<String> = []
        var done = 0
        var failed = 0
        /// Order of the last dispatch to this worker (for least-recently-used choice among equals).
        var lastDispatch = 0

        var label: String { "\(hello.plugin)/\(hello.pid)" }
        var freeCredits: Int { Int(max(hello.credits, 1)) - inFlight.count }
    }

    private(set) var workers: [[UInt8]: Worker] = [:]
    private var dispatches = 0

    mutating func register(_ identity: [UInt8], hello: Hello, nowMs: Int64) {
        workers[identity] = Worker(identity: identity, hello: hello, lastHeardWallMs: nowMs)
    }

    mutating func heard(_ identity: [UInt8], nowMs: Int64) {
        workers[identity]?.lastHeardWallMs = nowMs
    }

    subscript(identity: [UInt8]) -> Worker? {
        get { workers[identity] }
        set { workers[identity] = newValue }
    }

    @discardableResult
    mutating func remove(_ identity: [UInt8]) -> Worker? { workers.removeValue(forKey: identity) }

    /// The worker serving `method` with the most free credits; among equals, the one that was given a call
    /// least recently (so every implementation of a method gets work, whatever its identity).
    func available(for method: String) -> [UInt8]? {
        let candidates = workers.values.filter { $0.freeCredits > 0 && $0.hello.methods.contains(method) }
        return candidates.max { a, b in
            a.freeCredits != b.freeCredits ? a.freeCredits < b.freeCredits : a.lastDispatch > b.lastDispatch
        }?.identity
    }

    /// Records that `identity` was just given a call.
    mutating func dispatched(to identity: [UInt8], callID: String) {
        dispatches += 1
        workers[identity]?.lastDispatch = dispatches
        workers[identity]?.inFlight.insert(callID)
    }

    /// Workers silent for longer than `limitMs`.
    func silent(nowMs: Int64, limitMs: Int64) -> [[UInt8]] {
        workers.values.filter { nowMs - $0.lastHeardWallMs > limitMs }.map(\.identity)
    }

    func serves(_ method: String) -> Bool { workers.values.contains { $0.hello.methods.contains(method) } }

    var count: Int { workers.count }
    func count(plugin: String) -> Int { workers.values.filter { $0.hello.plugin == plugin }.count }
}
