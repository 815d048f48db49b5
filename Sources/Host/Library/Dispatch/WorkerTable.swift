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
        /// The last failed reply, `STATUS: message` (for `ctl status`).
        var lastError: String?
        /// Order of the last dispatch to this worker (for least-recently-used choice among equals).
        var lastDispatch = 0
        /// Gets no new calls (its replica is retiring, or its plugin was drained by `ctl drain`).
        var draining = false
        /// `plugin/pid`, for logs and call records (built once: it is read on every dispatch).
        let label: String
        let credits: Int

        init(identity: [UInt8], hello: Hello, lastHeardWallMs: Int64) {
            self.identity = identity
            self.hello = hello
            self.lastHeardWallMs = lastHeardWallMs
            label = "\(hello.plugin)/\(hello.pid)"
            credits = Int(max(hello.credits, 1))
        }

        var freeCredits: Int { credits - inFlight.count }
    }

    private(set) var workers: [[UInt8]: Worker] = [:]
    private var dispatches = 0

    mutating func register(_ identity: [UInt8], hello: Hello, nowMs: Int64) {
        workers[identity] = Worker(identity: identity, hello: hello, lastHeardWallMs: nowMs)
    }

    /// Whether `identity` is registered (without copying its entry out).
    func contains(_ identity: [UInt8]) -> Bool { workers.index(forKey: identity) != nil }

    /// Notes that `identity` was heard from; whether it is registered. (One lookup: this runs for every message.)
    @discardableResult
    mutating func heard(_ identity: [UInt8], nowMs: Int64) -> Bool {
        guard let index = workers.index(forKey: identity) else { return false }
        workers.values[index].lastHeardWallMs = nowMs
        return true
    }

    /// Takes `callID` off `identity` when its reply arrives; `failure` (`STATUS: message`) when it failed.
    mutating func replied(_ identity: [UInt8], callID: String, failure: String? = nil) {
        guard let index = workers.index(forKey: identity) else { return }
        workers.values[index].inFlight.remove(callID)
        if let failure {
            workers.values[index].failed += 1
            workers.values[index].lastError = failure
        } else {
            workers.values[index].done += 1
        }
    }

    /// Changes through this subscript (`workers[id]?.done += 1`) happen in place: a get/set pair would copy the
    /// worker out, and its `inFlight` set with it, on every reply.
    subscript(identity: [UInt8]) -> Worker? {
        get { workers[identity] }
        _modify { yield &workers[identity] }
    }

    @discardableResult
    mutating func remove(_ identity: [UInt8]) -> Worker? { workers.removeValue(forKey: identity) }

    /// The worker serving `method` with the most free credits; among equals, the one that was given a call
    /// least recently (so every implementation of a method gets work, whatever its identity).
    func available(for method: String) -> [UInt8]? {
        var best: Worker?
        for worker in workers.values
        where !worker.draining && worker.freeCredits > 0 && worker.hello.methods.contains(method) {
            guard let current = best else {
                best = worker
                continue
            }
            let better =
                worker.freeCredits != current.freeCredits
                ? worker.freeCredits > current.freeCredits : worker.lastDispatch < current.lastDispatch
            if better { best = worker }
        }
        return best?.identity
    }

    func hasWorker(pid: UInt32) -> Bool { workers.values.contains { $0.hello.pid == pid } }
    func isBusy(pid: UInt32) -> Bool { workers.values.contains { $0.hello.pid == pid && !$0.inFlight.isEmpty } }

    var anyDraining: Bool { workers.values.contains(where: \.draining) }

    /// Marks each worker draining or not, as `drain` says.
    mutating func setDraining(_ drain: (Worker) -> Bool) {
        for identity in Array(workers.keys) {
            guard let worker = workers[identity] else { continue }
            let draining = drain(worker)
            if worker.draining != draining { workers[identity]?.draining = draining }
        }
    }

    /// Records that `identity` was just given a call; returns its label (nil if it is not registered).
    @discardableResult
    mutating func dispatched(to identity: [UInt8], callID: String) -> String? {
        dispatches += 1
        guard let index = workers.index(forKey: identity) else { return nil }
        workers.values[index].lastDispatch = dispatches
        workers.values[index].inFlight.insert(callID)
        return workers.values[index].label
    }

    /// Workers silent for longer than `limitMs`.
    func silent(nowMs: Int64, limitMs: Int64) -> [[UInt8]] {
        workers.values.filter { nowMs - $0.lastHeardWallMs > limitMs }.map(\.identity)
    }

    func serves(_ method: String) -> Bool { workers.values.contains { $0.hello.methods.contains(method) } }

    var count: Int { workers.count }
    func count(plugin: String) -> Int { workers.values.filter { $0.hello.plugin == plugin }.count }
}
