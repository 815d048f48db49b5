/// Scheduler leadership for a PostgreSQL store: a session advisory lock (`pg_try_advisory_lock`) held on a
/// connection of its own. The server frees it when that session ends — the process died or the connection
/// broke — so a standby polling `tryAcquire()` takes over at its next poll. A holder whose connection broke
/// finds out at its next `tryAcquire()` (the ping fails) and no longer claims to lead. Advisory locks belong to
/// the whole database, so the key names the store's schema: two stores in one database lead separately.
public final class AdvisoryLeadership: SchedulerLeadership {
    static let key = "hashtextextended('roadsense.scheduler.' || coalesce(current_schema(), ''), 0)"
    public let resource = "pg_advisory_lock(\(AdvisoryLeadership.key))"
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
            "try_scheduler_lock", "SELECT pg_try_advisory_lock(\(Self.key))"
        ) { acquired = $0.bool(0) ?? false }
        isHeld = acquired
        return acquired
    }

    public func release() {
        if isHeld, let connection {
            _ = try? connection.run(
                "release_scheduler_lock", "SELECT pg_advisory_unlock(\(Self.key))")
        }
        connection?.close()
        connection = nil
        isHeld = false
    }

    deinit { release() }
}
