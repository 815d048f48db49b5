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

        var label: String { "\(hello.plugin)/\(hello.pid)" }
        var freeCredits: Int { Int(max(hello.credits, 1)) - inFlight.count }
    }

    private(set) var workers: [[UInt8]: Worker] = [:]

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

    /// The worker serving `method` with the most free credits (ties: least recently used goes first by
    /// identity order, which is stable).
    func available(for method: String) -> [UInt8]? {
        let candidates = workers.values.filter { $0.freeCredits > 0 && $0.hello.methods.contains(method) }
        return candidates.max { a, b in
            a.freeCredits != b.freeCredits
                ? a.freeCredits < b.freeCredits : b.identity.lexicographicallyPrecedes(a.identity)
        }?.identity
    }

    /// Workers silent for longer than `limitMs`.
    func silent(nowMs: Int64, limitMs: Int64) -> [[UInt8]] {
        workers.values.filter { nowMs - $0.lastHeardWallMs > limitMs }.map(\.identity)
    }

    func serves(_ method: String) -> Bool { workers.values.contains { $0.hello.methods.contains(method) } }

    var count: Int { workers.count }
    func count(plugin: String) -> Int { workers.values.filter { $0.hello.plugin == plugin }.count }
}
