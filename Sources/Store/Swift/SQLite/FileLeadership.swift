import Foundation

/// Scheduler leadership for a SQLite store: an exclusive, non-blocking `flock` on `DATABASE-scheduler.lock`.
/// The kernel drops the lock when the holding process dies, however it dies, so a standby polling
/// `tryAcquire()` takes over at its next poll. Each handle opens the file itself: two handles in one process
/// contend like two processes (flock locks belong to the open file description).
public final class FileLeadership: SchedulerLeadership {
    public let resource: String
    private var fd: Int32 = -1
    public private(set) var isHeld = false

    public init(databasePath: String) {
        resource = databasePath + "-scheduler.lock"
    }

    public func tryAcquire() throws -> Bool {
        if isHeld { return true }
        if fd < 0 {
            fd = open(resource, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw StoreError(
                    code: .cannotOpen,
                    reason: "cannot open the scheduler lock file: \(String(cString: strerror(errno)))",
                    location: resource)
            }
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK || errno == EINTR { return false }
            throw StoreError(
                code: .queryFailed, reason: "flock failed: \(String(cString: strerror(errno)))", location: resource)
        }
        // The holder's pid, for a person wondering who leads.
        ftruncate(fd, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = pwrite(fd, text, text.count, 0)
        isHeld = true
        return true
    }

    /// A `flock` lasts as long as the descriptor, so this only checks that the file locked is still the one at
    /// the lock path: if the file was removed or replaced, another host can create and lock a new one.
    public func verify() -> Bool {
        guard isHeld, fd >= 0 else { return false }
        var locked = stat()
        var named = stat()
        guard fstat(fd, &locked) == 0, stat(resource, &named) == 0, locked.st_dev == named.st_dev,
            locked.st_ino == named.st_ino
        else {
            release()
            return false
        }
        return true
    }

    public func release() {
        guard fd >= 0 else { return }
        if isHeld { flock(fd, LOCK_UN) }
        close(fd)
        fd = -1
        isHeld = false
    }

    deinit { release() }
}
