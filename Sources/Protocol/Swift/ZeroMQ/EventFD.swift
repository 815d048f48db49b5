import CZeroMQ
import Glibc

/// A Linux eventfd that wakes a loop thread blocked in ``ZMQPoller/poll(sockets:fds:timeoutMs:)``.
///
/// Pattern: another thread appends to a queue guarded by an `NSLock`, then calls ``signal()``; the loop polls
/// ``fd`` with its sockets, calls ``drain()`` and empties the queue. Thread-safe (the kernel counter is
/// atomic), hence `@unchecked Sendable`.
public final class EventFD: @unchecked Sendable {
    public let fd: Int32

    /// Non-blocking and close-on-exec, so plugins started by the host do not inherit it.
    public init() throws {
        fd = try ZMQCall.checked("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
    }

    deinit { close(fd) }

    /// Makes ``fd`` readable until the next ``drain()``. Never blocks; safe from any thread.
    public func signal() {
        var one: UInt64 = 1
        do {
            // EAGAIN means the counter is saturated, i.e. already signalled.
            _ = try ZMQCall.checkedOrWouldBlock("eventfd write") { Int32(write(fd, &one, 8)) }
        } catch {
            preconditionFailure("eventfd write failed: \(error)")
        }
    }

    /// Resets the counter; returns how many signals were pending (0 when none).
    @discardableResult
    public func drain() -> UInt64 {
        var count: UInt64 = 0
        do {
            let read = try ZMQCall.checkedOrWouldBlock("eventfd read") { Int32(Glibc.read(fd, &count, 8)) }
            return read == nil ? 0 : count
        } catch {
            preconditionFailure("eventfd read failed: \(error)")
        }
    }
}
