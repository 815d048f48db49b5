import CZeroMQ
import Foundation

/// Owns one libzmq context. libzmq documents the context as thread-safe, hence `@unchecked Sendable`;
/// the termination flag is guarded by a lock.
///
/// Each ``ZMQSocket`` keeps its context alive. ``terminate()`` blocks until every socket of the context is
/// closed and its linger has run out, and makes blocking calls on still-open sockets fail with ETERM.
public final class ZMQContext: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let lock = NSLock()
    /// Set once `zmq_ctx_term` has returned.
    private var terminated = false

    public init() throws {
        guard let handle = zmq_ctx_new() else {
            throw ZMQError(errno: zmq_errno(), operation: "zmq_ctx_new")
        }
        self.handle = handle
    }

    /// Terminates the context; idempotent. Blocks until all its sockets are closed (see linger).
    /// EINTR is retried; the only other failure, EFAULT, would mean a corrupted handle.
    public func terminate() {
        lock.lock()
        defer { lock.unlock() }
        guard !terminated else { return }
        do {
            try ZMQCall.checked("zmq_ctx_term") { zmq_ctx_term(handle) }
        } catch {
            preconditionFailure("\(error)")
        }
        terminated = true
    }

    /// A new socket handle; used by ``ZMQSocket``.
    func makeSocket(type: Int32) throws -> UnsafeMutableRawPointer {
        guard let socket = zmq_socket(handle, type) else {
            throw ZMQError(errno: zmq_errno(), operation: "zmq_socket")
        }
        return socket
    }

    deinit {
        // No socket can be open here: each one holds a strong reference to its context.
        terminate()
    }
}
