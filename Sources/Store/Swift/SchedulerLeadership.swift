/// The right to run the schedule when several hosts share one store: at most one holder at a time, released
/// by the operating system (or the database) when the holder dies, so a standby can take over.
///
/// SQLite: an exclusive `flock` on a file beside the database (`FileLeadership`). PostgreSQL: a session
/// advisory lock (`pg_try_advisory_lock`) on a connection of its own fits the same three calls.
public protocol SchedulerLeadership: AnyObject {
    /// What is locked, for log lines: a file path or an advisory lock key.
    var resource: String { get }
    /// Whether this handle holds the leadership now.
    var isHeld: Bool { get }
    /// Takes the leadership if nobody holds it; never waits. Returns `isHeld`.
    func tryAcquire() throws -> Bool
    /// Checks, cheaply, that the leadership is still held — the lock's session is alive and holds it (PostgreSQL),
    /// the locked file is still the one at the lock path (SQLite). The active scheduler calls it before it fires:
    /// a leader whose lock went (its database session ended in a server restart or was terminated) must stop
    /// firing at once, because a standby may already have taken the lock. False also drops `isHeld`.
    func verify() -> Bool
    /// Gives the leadership up (also done when the handle is released or the process dies).
    func release()
}
