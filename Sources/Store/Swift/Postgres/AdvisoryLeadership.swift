/// Scheduler leadership for a PostgreSQL store: a session advisory lock (`pg_try_advisory_lock`) held on a
/// connection of its own (`application_name` `roadsense-scheduler-lock`). The server frees it when that session
/// ends — the process died, the connection broke, the server restarted, or someone ran `pg_terminate_backend` —
/// so a standby polling `tryAcquire()` takes over at its next poll. The holder checks with `verify()` before
/// each firing that its session is alive and still holds the lock, and stops firing as soon as it is not.
///
/// The lock key is per store: `hashtextextended('roadsense.scheduler/DATABASE/SCHEMA', 0)` with the session's
/// `current_database()` and `current_schema()`, so stores in other databases or schemas of one server (the
/// tests' throwaway schemas, a second team's store) each have a leader of their own.
public final class AdvisoryLeadership: SchedulerLeadership {
    private let url: String
    private let label: String
    private var connection: PostgresConnection?
    /// `DATABASE/SCHEMA`, known once connected.
    private var storeName: String?
    public private(set) var isHeld = false

    static let keySQL = "hashtextextended('roadsense.scheduler/' || current_database() || '/' || current_schema(), 0)"
    /// What `pg_stat_activity.application_name` shows for the lock session.
    public static let applicationName = "roadsense-scheduler-lock"

    init(url: String, label: String) {
        self.url = url
        self.label = label
    }

    public var resource: String {
        "pg_advisory_lock(hashtextextended('roadsense.scheduler/\(storeName ?? "DATABASE/SCHEMA")', 0)) on \(label)"
    }

    public func tryAcquire() throws -> Bool {
        if let held = connection, !held.ping() {
            held.close()
            connection = nil
            isHeld = false
        }
        if isHeld { return true }
        let session =
            try connection ?? PostgresConnection(url: url, label: label, applicationName: Self.applicationName)
        connection = session
        var acquired = false
        try session.run(
            "try_scheduler_lock",
            "SELECT pg_try_advisory_lock(\(Self.keySQL)), current_database() || '/' || current_schema()"
        ) {
            acquired = $0.bool(0) ?? false
            storeName = $0.string(1)
        }
        isHeld = acquired
        return acquired
    }

    /// One round trip on the lock session: it must answer, and `pg_locks` must show it holding the key.
    public func verify() -> Bool {
        guard isHeld, let connection else { return false }
        var holds = false
        do {
            try connection.run(
                "verify_scheduler_lock",
                """
                SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                  AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = \(Self.keySQL))
                """
            ) { holds = $0.bool(0) ?? false }
        } catch {
            holds = false
        }
        if !holds {
            connection.close()
            self.connection = nil
            isHeld = false
        }
        return holds
    }

    public func release() {
        if isHeld, let connection {
            _ = try? connection.run("release_scheduler_lock", "SELECT pg_advisory_unlock(\(Self.keySQL))")
        }
        connection?.close()
        connection = nil
        isHeld = false
    }

    deinit { release() }
}
