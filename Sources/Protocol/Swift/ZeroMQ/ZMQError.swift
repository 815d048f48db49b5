import CZeroMQ

/// A libzmq (or eventfd/poll) call failed: the errno, libzmq's text for it, and what was being done.
public struct ZMQError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errno: Int32
    /// `zmq_strerror(errno)`, which also covers the libzmq-specific numbers (ETERM, EFSM, ...).
    public var text: String
    /// The call, e.g. `zmq_bind` or `zmq_msg_send`.
    public var operation: String
    /// The endpoint involved, when there is one.
    public var endpoint: String?

    public init(errno: Int32, operation: String, endpoint: String? = nil) {
        self.errno = errno
        self.text = String(cString: zmq_strerror(errno))
        self.operation = operation
        self.endpoint = endpoint
    }

    /// The context was terminated: the owning loop should close its sockets and stop.
    public var isContextTerminated: Bool { errno == ETERM }

    /// ROUTER_MANDATORY and the identity is not (or no longer) connected.
    public var isHostUnreachable: Bool { errno == EHOSTUNREACH }

    public var description: String {
        "\(operation)\(endpoint.map { " \($0)" } ?? ""): \(text) (errno \(errno))"
    }
}
