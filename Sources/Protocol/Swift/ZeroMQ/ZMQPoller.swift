import CZeroMQ
import Glibc

/// Waits until any of a set of sockets or raw file descriptors (an ``EventFD``, a pipe) is readable.
///
/// `zmq_poll` blocks the calling thread: call it only from a socket-owning loop thread, never from a task on
/// Swift's cooperative pool. The sockets must belong to the calling thread.
public enum ZMQPoller {
    /// Readability, index for index with the arrays passed to ``poll(sockets:fds:timeoutMs:)``.
    public struct Ready: Sendable, Equatable {
        public var sockets: [Bool]
        public var fds: [Bool]

        /// Nothing became readable before the timeout.
        public var isEmpty: Bool { !sockets.contains(true) && !fds.contains(true) }
    }

    /// Polls for input. `timeoutMs` -1 waits forever, 0 returns at once. An EINTR resumes the wait for the
    /// remaining time.
    public static func poll(sockets: [ZMQSocket], fds: [Int32] = [], timeoutMs: Int) throws -> Ready {
        var items = try sockets.map { socket in
            try socket.withHandle("zmq_poll") {
                zmq_pollitem_t(socket: $0, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            }
        }
        items += fds.map { zmq_pollitem_t(socket: nil, fd: $0, events: Int16(ZMQ_POLLIN), revents: 0) }

        let deadline = ContinuousClock.now + .milliseconds(max(timeoutMs, 0))
        try ZMQCall.checked("zmq_poll") {
            let remaining = timeoutMs < 0 ? -1 : max(0, Self.milliseconds(until: deadline))
            return zmq_poll(&items, Int32(items.count), remaining)
        }

        let readable = items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
        return Ready(sockets: Array(readable.prefix(sockets.count)), fds: Array(readable.dropFirst(sockets.count)))
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int {
        let left = ContinuousClock.now.duration(to: deadline).components
        return Int(left.seconds) * 1_000 + Int(left.attoseconds / 1_000_000_000_000_000)
    }
}
