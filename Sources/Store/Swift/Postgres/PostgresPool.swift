import Foundation

/// A bounded pool of connections to one PostgreSQL URL, shared by every store handle of the process. A
/// connection idle longer than `healthCheckAfter` is pinged before it is handed out; one that fails the
/// ping, or broke while in use, is closed and replaced by a fresh connection (reconnect). When the server
/// is down, `checkout` throws `unavailable` and the next call tries again.
final class PostgresPool: @unchecked Sendable {
    let url: String
    let label: String
    /// At most this many connections are open at once.
    let capacity: Int
    /// A connection idle longer than this is pinged before reuse.
    let healthCheckAfter: TimeInterval
    /// How long `checkout` waits for a connection when all are in use.
    let waitTimeout: TimeInterval

    /// Guards `idle` and `open`; signalled when a connection comes back.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    /// Connections open, idle or in use.
    private var open = 0

    init(url: String, label: String, capacity: Int, healthCheckAfter: TimeInterval = 10, waitTimeout: TimeInterval = 30)
    {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.url = url
        self.label = label
        self.capacity = capacity
        self.healthCheckAfter = healthCheckAfter
        self.waitTimeout = waitTimeout
    }

    /// One pool per URL per process. Size: `ROADSENSE_PG_POOL_SIZE` (default 4).
    static func shared(url: String, label: String) -> PostgresPool {
        registryLock.lock()
        defer { registryLock.unlock() }
        if let pool = registry[url] { return pool }
        let size = ProcessInfo.processInfo.environment["ROADSENSE_PG_POOL_SIZE"].flatMap { Int($0) } ?? 4
        let pool = PostgresPool(url: url, label: label, capacity: max(1, size))
        registry[url] = pool
        return pool
    }

    nonisolated(unsafe) private static var registry: [String: PostgresPool] = [:]
    private static let registryLock = NSLock()

    /// A healthy connection, for the caller's exclusive use until `checkin`.
    func checkout() throws -> PostgresConnection {
        let deadline = Date().addingTimeInterval(waitTimeout)
        condition.lock()
        while true {
            if let connection = idle.popLast() {
                condition.unlock()
                if isHealthy(connection) { return connection }
                connection.close()
                condition.lock()
                open -= 1
                continue
            }
            if open < capacity {
                open += 1
                condition.unlock()
                do {
                    return try PostgresConnection(url: url, label: label)
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw StoreError(
                    code: .busy,
                    reason: "all \(capacity) pooled connections stayed in use for \(Int(waitTimeout)) s; "
                        + "raise ROADSENSE_PG_POOL_SIZE or look for a stuck query (pg_stat_activity)",
                    location: label)
            }
        }
    }

    /// Returns a connection. One that broke, or comes back inside a transaction, is closed instead; a
    /// broken one also closes the idle ones, which most likely lost the same server (a restart), so the
    /// next call connects afresh instead of failing on another dead connection.
    func checkin(_ connection: PostgresConnection) {
        let broken = !connection.isConnected
        let reusable = !broken && !connection.inTransaction
        if !reusable { connection.close() }
        condition.lock()
        if reusable { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
        if broken { drain() }
    }

    /// Closes every idle connection (the next checkout connects afresh).
    func drain() {
        condition.lock()
        let closing = idle
        idle.removeAll()
        open -= closing.count
        condition.unlock()
        for connection in closing { connection.close() }
    }

    /// Connections open now (idle or in use).
    var openConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return open
    }

    private func isHealthy(_ connection: PostgresConnection) -> Bool {
        guard connection.isConnected else { return false }
        if Date().timeIntervalSince(connection.lastUsed) < healthCheckAfter { return true }
        return connection.ping()
    }
}
