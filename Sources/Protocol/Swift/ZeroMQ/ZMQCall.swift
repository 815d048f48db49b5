import CZeroMQ
import Glibc

/// The one checked path for libzmq and the few syscalls used beside it: retries EINTR, turns -1 into a
/// ``ZMQError`` carrying errno, its text, the operation and the endpoint.
enum ZMQCall {
    /// Runs `body` until it does not fail with EINTR; throws on any other failure (`-1`).
    @discardableResult
    static func checked(_ operation: String, endpoint: String? = nil, _ body: () -> Int32) throws -> Int32 {
        guard let result = try checked(operation, endpoint: endpoint, allowingWouldBlock: false, body) else {
            preconditionFailure("EAGAIN reported although not allowed")
        }
        return result
    }

    /// Like ``checked(_:endpoint:_:)`` but returns nil on EAGAIN (a non-blocking send or receive that
    /// would block, or an expired socket timeout).
    static func checkedOrWouldBlock(_ operation: String, endpoint: String? = nil, _ body: () -> Int32) throws -> Int32?
    {
        try checked(operation, endpoint: endpoint, allowingWouldBlock: true, body)
    }

    private static func checked(
        _ operation: String, endpoint: String?, allowingWouldBlock: Bool, _ body: () -> Int32
    ) throws -> Int32? {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = zmq_errno()
            if error == EINTR { continue }
            if allowingWouldBlock && error == EAGAIN { return nil }
            throw ZMQError(errno: error, operation: operation, endpoint: endpoint)
        }
    }
}
