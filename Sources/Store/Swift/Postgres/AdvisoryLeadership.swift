/// Scheduler leadership for a PostgreSQL store: a session advisory lock (`pg_try_advisory_lock`) held on a
/// connection of its own. The server frees it when that session ends — the process died or the connection
/// broke — so a standby polling `tryAcquire()` takes over at its next poll. A holder whose connection broke
/// finds out at its next `tryAcquire()` (the ping fails) and no longer claims to lead.
public final class AdvisoryLeadership: SchedulerLeadership {
    public let resource = "pg_advisory_lock(hashtextextended('roadsense.scheduler', 0))"
    private let url: String
    private let label: String
    private var connection: PostgresConnection?
    public private(set) var isHeld = false

    init(url: String, label: String) {
        self.url = url
        self.label = label
    }

    public func tryAcquire() throws -> Bool {
        if let held = connection, !held.ping() {
            held.close()
            connection = nil
            isHeld = false
        }
        if isHeld { return true }
        let session = try connection ?? PostgresConnection(url: url, label: label)
        connection = session
        var acquired = false
        try session.run(
            "try_scheduler_lock", "SELECT pg_try_advisory_lock(hashtextextended('roadsense.scheduler', 0))"
        ) { acquired = $0.bool(0) ?? false }
        isHeld = acquired
        return acquired
    }

    public func release() {
        if isHeld, let connection {
            _ = try? connection.run(
                "release_scheduler_lock", "SELECT pg_advisory_unlock(hashtextextended('roadsense.scheduler', 0))")
        }
        connection?.close()
        connection = nil
        isHeld = false
    }

    deinit { release() }
}
