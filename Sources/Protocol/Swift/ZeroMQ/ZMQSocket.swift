import CZeroMQ

/// Owns one libzmq socket.
///
/// Not `Sendable` and not thread-safe (libzmq sockets are not): create, use and close each socket on the
/// thread that owns it, typically one dedicated poll-loop thread, never a task on Swift's cooperative pool.
/// Linger is set to ``defaultLingerMs`` at creation so that terminating the context never hangs on
/// unsent messages.
public final class ZMQSocket {
    public enum Kind: Sendable, CaseIterable {
        case router, dealer, pub, sub, pair, rep, req

        var zmqType: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            case .pair: ZMQ_PAIR
            case .rep: ZMQ_REP
            case .req: ZMQ_REQ
            }
        }
    }

    /// Linger applied at creation (libzmq's default is forever).
    public static let defaultLingerMs: Int32 = 50

    public let kind: Kind
    /// Keeps the context alive while the socket is open.
    private let context: ZMQContext
    /// nil once closed.
    private var handle: UnsafeMutableRawPointer?

    public init(context: ZMQContext, kind: Kind, lingerMs: Int32 = ZMQSocket.defaultLingerMs) throws {
        self.context = context
        self.kind = kind
        self.handle = try context.makeSocket(type: kind.zmqType)
        try setLinger(ms: lingerMs)
    }

    deinit { close() }

    /// Closes the socket; idempotent. Pending outgoing messages are kept for at most the linger period.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        _ = try? ZMQCall.checked("zmq_close") { zmq_close(handle) }
    }

    public var isClosed: Bool { handle == nil }

    // MARK: endpoints

    public func bind(_ endpoint: String) throws {
        try call("zmq_bind", endpoint: endpoint) { zmq_bind($0, endpoint) }
    }

    public func connect(_ endpoint: String) throws {
        try call("zmq_connect", endpoint: endpoint) { zmq_connect($0, endpoint) }
    }

    public func unbind(_ endpoint: String) throws {
        try call("zmq_unbind", endpoint: endpoint) { zmq_unbind($0, endpoint) }
    }

    public func disconnect(_ endpoint: String) throws {
        try call("zmq_disconnect", endpoint: endpoint) { zmq_disconnect($0, endpoint) }
    }

    /// The endpoint last bound or connected, resolved (e.g. the port chosen for `tcp://127.0.0.1:*`).
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 1_024)
        var size = buffer.count
        try call("zmq_getsockopt(ZMQ_LAST_ENDPOINT)") { zmq_getsockopt($0, ZMQ_LAST_ENDPOINT, &buffer, &size) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: options

    /// How long close keeps unsent messages; 0 drops them at once, -1 waits forever (avoid).
    public func setLinger(ms: Int32) throws {
        try setOption(ZMQ_LINGER, ms, "ZMQ_LINGER")
    }

    /// ROUTER only: sending to an unknown identity throws EHOSTUNREACH instead of dropping silently.
    public func setRouterMandatory(_ mandatory: Bool = true) throws {
        try setOption(ZMQ_ROUTER_MANDATORY, Int32(mandatory ? 1 : 0), "ZMQ_ROUTER_MANDATORY")
    }

    /// Queue limits in messages (libzmq default 1,000 each; 0 = unlimited). Set before bind/connect.
    public func setHighWaterMarks(send: Int32, receive: Int32) throws {
        try setOption(ZMQ_SNDHWM, send, "ZMQ_SNDHWM")
        try setOption(ZMQ_RCVHWM, receive, "ZMQ_RCVHWM")
    }

    /// The routing id a ROUTER peer sees for this socket. Set before connect.
    public func setIdentity(_ identity: [UInt8]) throws {
        try setOption(ZMQ_ROUTING_ID, bytes: identity, "ZMQ_ROUTING_ID")
    }

    /// SUB only: receive messages whose first frame starts with `prefix` (empty = everything).
    public func subscribe(_ prefix: [UInt8]) throws {
        try setOption(ZMQ_SUBSCRIBE, bytes: prefix, "ZMQ_SUBSCRIBE")
    }

    public func subscribe(_ prefix: String) throws {
        try subscribe(Array(prefix.utf8))
    }

    public func unsubscribe(_ prefix: [UInt8]) throws {
        try setOption(ZMQ_UNSUBSCRIBE, bytes: prefix, "ZMQ_UNSUBSCRIBE")
    }

    /// A blocking receive gives up after `ms` and returns nil; -1 = wait forever (the default).
    public func setReceiveTimeout(ms: Int32) throws {
        try setOption(ZMQ_RCVTIMEO, ms, "ZMQ_RCVTIMEO")
    }

    /// A blocking send gives up after `ms` and returns false; -1 = wait forever (the default).
    public func setSendTimeout(ms: Int32) throws {
        try setOption(ZMQ_SNDTIMEO, ms, "ZMQ_SNDTIMEO")
    }

    // MARK: CURVE security (set before bind/connect)

    /// Makes this socket a CURVE server with `secretKey`: every peer must complete a CURVE handshake, and
    /// each handshake is put to the ZAP handler on `inproc://zeromq.zap.01` (when one is bound) under
    /// `zapDomain`.
    public func setCurveServer(secretKey: CurveKey, zapDomain: String) throws {
        try setOption(ZMQ_ZAP_DOMAIN, bytes: Array(zapDomain.utf8), "ZMQ_ZAP_DOMAIN")
        try setOption(ZMQ_CURVE_SERVER, Int32(1), "ZMQ_CURVE_SERVER")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: secretKey.bytes, "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes this socket a CURVE client of the server whose public key is `serverKey`, authenticating
    /// with `keys`.
    public func setCurveClient(serverKey: CurveKey, keys: CurveKeyPair) throws {
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: serverKey.bytes, "ZMQ_CURVE_SERVERKEY")
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: keys.publicKey.bytes, "ZMQ_CURVE_PUBLICKEY")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: keys.secretKey.bytes, "ZMQ_CURVE_SECRETKEY")
    }

    // MARK: messages

    /// Sends one multipart message. Returns false when it would block (`dontWait`, or the send timeout
    /// expired) and nothing was sent; libzmq delivers all parts or none.
    /// A ROUTER with ``setRouterMandatory(_:)`` throws EHOSTUNREACH for an unknown identity (frame 0).
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws -> Bool {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        let waitFlag = dontWait ? ZMQ_DONTWAIT : 0
        for (index, frame) in frames.enumerated() {
            let flags = waitFlag | (index < frames.count - 1 ? ZMQ_SNDMORE : 0)
            let sent = try callAllowingWouldBlock("zmq_send") { socket in
                frame.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
            }
            if sent == nil {
                // Later parts of an accepted message never block: libzmq checks the high-water mark at part 0.
                precondition(index == 0, "zmq_send would block in the middle of a multipart message")
                return false
            }
        }
        return true
    }

    /// Receives all parts of one message; nil when none is waiting (`dontWait`) or the receive timeout
    /// expired. A ROUTER sees the sender's identity as frame 0.
    public func receive(dontWait: Bool = false) throws -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        try ZMQCall.checked("zmq_msg_init") { zmq_msg_init(&message) }
        defer { zmq_msg_close(&message) }

        repeat {
            let flags = frames.isEmpty && dontWait ? ZMQ_DONTWAIT : 0
            let received = try callAllowingWouldBlock("zmq_msg_recv") { zmq_msg_recv(&message, $0, flags) }
            guard received != nil else { return nil }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)
            frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: data, count: size)))
        } while zmq_msg_more(&message) == 1
        return frames
    }

    // MARK: plumbing

    /// The raw handle for `zmq_poll`; throws ENOTSOCK once closed.
    func withHandle<Result>(_ operation: String, _ body: (UnsafeMutableRawPointer) throws -> Result) throws -> Result {
        guard let handle else { throw ZMQError(errno: ENOTSOCK, operation: operation) }
        return try body(handle)
    }

    private func call(
        _ operation: String, endpoint: String? = nil, _ body: (UnsafeMutableRawPointer) -> Int32
    ) throws {
        _ = try withHandle(operation) { socket in
            try ZMQCall.checked(operation, endpoint: endpoint) { body(socket) }
        }
    }

    private func callAllowingWouldBlock(
        _ operation: String, _ body: (UnsafeMutableRawPointer) -> Int32
    ) throws -> Int32? {
        try withHandle(operation) { socket in
            try ZMQCall.checkedOrWouldBlock(operation) { body(socket) }
        }
    }

    private func setOption(_ option: Int32, _ value: Int32, _ name: String) throws {
        var value = value
        try call("zmq_setsockopt(\(name))") { zmq_setsockopt($0, option, &value, MemoryLayout<Int32>.size) }
    }

    private func setOption(_ option: Int32, bytes: [UInt8], _ name: String) throws {
        try call("zmq_setsockopt(\(name))") { socket in
            bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
        }
    }
}
