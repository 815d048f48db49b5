import CProcessShims
import Foundation
import RoadSenseProtocol

/// Runs one plugin process: connects a DEALER to the host, registers with Hello, heartbeats, runs calls
/// on a dedicated work thread and sends their replies, and reconnects with backoff when the host goes
/// quiet. The socket lives on the loop thread (the caller's); handlers run on `workQueue`, and hand
/// their replies back through `outbox` plus an eventfd that wakes the loop's poll.
public final class PluginWorker {
    let service: PluginService
    let options: PluginOptions
    let logger: Logger
    let instanceID = UUID().uuidString.lowercased()
    private let workQueue = DispatchQueue(label: "roadsense.plugin.work")
    /// Replies finished on the work thread, waiting for the loop thread to send them.
    private let outbox = LockedQueue<Reply>()
    private let wakeup: EventFD
    private let context: ZMQContext
    private var socket: ZMQSocket?
    /// Cancellation flags of the calls running here, by call id and attempt (the same call can be here
    /// twice: an attempt still running when the host re-sent it after a reconnect).
    private var cancellations: [String: [UInt32: LockedFlag]] = [:]
    private var inFlight = 0
    /// Calls handed to the work thread whose replies the loop has not yet taken from the outbox.
    private var onWorkThread = 0
    private let inlineMethods: Set<String>
    private var heartbeatIntervalMs: Int64
    private var liveness: Int64
    private var lastHeardMs: Int64 = 0
    private var lastSentMs: Int64 = 0
    private var reconnectDelayMs: Int64 = 250
    private var stopping: LockedFlag
    /// Replies of inline calls read in the current burst, sent together once it is read: back-to-back sends
    /// wake the socket's I/O thread once for the burst instead of once per reply.
    private var readyReplies: [Reply] = []

    public init(service: PluginService, options: PluginOptions, logger: Logger) throws {
        self.service = service
        self.options = options
        self.logger = logger
        heartbeatIntervalMs = Int64(options.heartbeatIntervalMs)
        liveness = Int64(options.liveness)
        inlineMethods = service.inlineMethods
        wakeup = try EventFD()
        context = try ZMQContext()
        stopping = LockedFlag()
    }

    /// Entry point of every plugin executable: parses the command line, runs until SIGTERM/SIGINT or a
    /// Goodbye from the host, and exits with 0 (clean), 2 (bad usage) or 1 (fatal error).
    public static func main(service: PluginService) -> Never {
        signal(SIGPIPE, SIG_IGN)
        // Started by the host, the launcher already asked for SIGKILL (which a stuck plugin cannot ignore);
        // started by hand, the plugin stops with its parent.
        if rs_parent_death_signal() == 0 { _ = rs_set_parent_death_signal(SIGTERM) }
        let environment = ProcessInfo.processInfo.environment
        let options: PluginOptions
        do {
            options = try PluginOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: environment)
        } catch {
            DescriptorOutput.standardError("roadsense-\(service.name): \(error)\n")
            exit(2)
        }
        let level = Logger.Level(name: options.logLevel) ?? .info
        let logger = Logger(component: "plugin.\(service.name)", minimum: level)
        do {
            let worker = try PluginWorker(service: service, options: options, logger: logger)
            try worker.run()
            exit(0)
        } catch {
            logger.error("plugin stopped on a fatal error; the host will restart it", ["error": error])
            exit(1)
        }
    }

    /// The loop. Returns when asked to stop.
    public func run() throws {
        let signals = installSignalHandlers()
        defer { for source in signals { source.cancel() } }
        try startService()
        try connect()
        while !stopping.isSet {
            let timeout = max(1, min(heartbeatIntervalMs - (nowMs() - lastSentMs), heartbeatIntervalMs))
            guard let socket else { break }
            let ready = try ZMQPoller.poll(sockets: [socket], fds: [wakeup.fd], timeoutMs: Int(timeout))
            if ready.sockets.first == true { try receiveAll() }
            if ready.fds.first == true { wakeup.drain() }
            try flushOutbox()
            try keepAlive()
        }
        try sayGoodbye()
    }

    private func startService() throws {
        var failure: Error?
        workQueue.sync {
            do { try service.start(options: options, logger: logger) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func connect() throws {
        socket?.close()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        try dealer.setIdentity(Array("\(service.name)-\(getpid())-\(instanceID.prefix(8))".utf8))
        // A send waits at most one heartbeat interval: with no live connection (a host that refused this
        // worker's key has no pipe to it) a DEALER send would otherwise block forever, deaf to SIGTERM.
        try dealer.setSendTimeout(ms: Int32(heartbeatIntervalMs))
        if let curve = options.curve {
            try dealer.setCurveClient(serverKey: curve.serverKey, keys: curve.keys)
        } else if options.endpoint.hasPrefix("tcp://") {
            logger.warning(
                "connecting over TCP without CURVE: a host with CURVE keys refuses this worker; pass --server-key "
                    + "and --secret-key-file", ["endpoint": options.endpoint])
        }
        try dealer.connect(options.endpoint)
        socket = dealer
        try send(.hello(hello()))
        lastHeardMs = nowMs()
        logger.info(
            "connected to host",
            [
                "endpoint": options.endpoint, "worker.pid": getpid(), "credits": options.credits,
                "curve.key": options.curve?.keys.publicKey.z85 ?? "none",
            ])
    }

    private func hello() -> Hello {
        Hello(
            plugin: service.name, instanceID: instanceID, pid: UInt32(getpid()), methods: service.methods,
            credits: options.credits, version: RoadSenseVersion.string)
    }

    private func send(_ message: PeerMessage) throws {
        // Whatever was answered before goes first, in order.
        if !readyReplies.isEmpty { try sendReadyReplies() }
        try transmit(message)
    }

    private func sendReadyReplies() throws {
        let replies = readyReplies
        readyReplies.removeAll(keepingCapacity: true)
        for reply in replies { try transmit(.reply(reply)) }
    }

    private func transmit(_ message: PeerMessage) throws {
        guard let socket else { return }
        if try !socket.send(PeerFrames.encode(message), dontWait: false) {
            // The host will notice the silence (a call's reply lost here is retried by the host).
            logger.debug("host not reachable; message dropped", ["endpoint": options.endpoint])
        }
        lastSentMs = nowMs()
    }

    private func receiveAll() throws {
        while let frames = try socket?.receive(dontWait: true) {
            lastHeardMs = nowMs()
            reconnectDelayMs = 250
            let message: PeerMessage
            do {
                message = try PeerFrames.decode(frames)
            } catch {
                logger.warning("ignored a malformed message from the host", ["error": error])
                continue
            }
            try handle(message)
        }
        if !readyReplies.isEmpty { try sendReadyReplies() }
    }

    private func handle(_ message: PeerMessage) throws {
        switch message {
        case .welcome(let welcome):
            heartbeatIntervalMs = Int64(max(welcome.heartbeatIntervalMs, 50))
            liveness = Int64(max(welcome.liveness, 1))
            logger.debug("registered", ["host": welcome.hostID, "heartbeat_ms": heartbeatIntervalMs])
        case .heartbeat:
            break
        case .call(let call):
            try start(call)
        case .cancel(let cancel):
            for flag in cancellations[cancel.callID]?.values ?? [:].values { flag.set() }
        case .goodbye(let goodbye) where goodbye.reason.hasPrefix(Goodbye.unknownWorkerReason):
            // The host restarted and does not know us: register again on the same connection.
            logger.info("host does not know this worker; registering again")
            try send(.hello(hello()))
        case .goodbye(let goodbye):
            logger.info("host said goodbye; stopping", ["reason": goodbye.reason])
            stopping.set()
        case .hello, .reply:
            logger.warning("ignored a message only plugins send", ["message": "\(message)".prefix(80)])
        }
    }

    /// Queues a call on the work thread; its reply comes back through the outbox. An inline method runs
    /// here at once when the work thread has nothing (so calls still run one at a time).
    private func start(_ call: Call) throws {
        if onWorkThread == 0 && inlineMethods.contains(call.method) {
            // Nothing can cancel a call that runs to its end before the next message is read.
            let context = CallContext(
                callID: call.callID, method: call.method, attempt: call.attempt,
                deadlineMs: call.deadlineMs > 0 ? call.deadlineMs : nil, metadata: call.metadata,
                cancellation: Self.neverCancelled)
            readyReplies.append(Self.execute(call: call, context: context, service: service, logger: logger))
            return
        }
        let flag = LockedFlag()
        cancellations[call.callID, default: [:]][call.attempt] = flag
        inFlight += 1
        onWorkThread += 1
        let context = CallContext(
            callID: call.callID, method: call.method, attempt: call.attempt,
            deadlineMs: call.deadlineMs > 0 ? call.deadlineMs : nil, metadata: call.metadata,
            cancellation: flag)
        let service = ServiceOnWorkQueue(service: self.service)
        let outbox = self.outbox
        let wakeup = self.wakeup
        let logger = self.logger
        workQueue.async {
            let reply = Self.execute(call: call, context: context, service: service.service, logger: logger)
            outbox.append(reply)
            wakeup.signal()
        }
    }

    /// The cancellation flag of inline calls: never set.
    private static let neverCancelled = LockedFlag()

    static func execute(call: Call, context: CallContext, service: PluginService, logger: Logger) -> Reply {
        var reply = Reply(callID: call.callID, status: .ok, message: "", payload: [], attempt: call.attempt)
        guard service.methods.contains(call.method) else {
            reply.status = .unimplemented
            reply.message = "\(service.name) does not serve \(call.method)"
            return reply
        }
        if context.isCancelled {
            reply.status = .deadlineExceeded
            reply.message = "deadline passed before the call started"
            return reply
        }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            reply.payload = try service.handle(method: call.method, payload: call.payload, context: context)
        } catch let error as PluginError {
            reply.status = error.status
            reply.message = error.message
        } catch let error as WireError {
            reply.status = .invalidArgument
            reply.message = "request payload does not decode: \(error)"
        } catch {
            reply.status = .internal
            reply.message = "\(error)"
        }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        logger.debug(
            "call done",
            ["call.id": call.callID, "call.method": call.method, "status": reply.status.name, "ms": ms])
        return reply
    }

    private func flushOutbox() throws {
        for reply in outbox.takeAll() {
            cancellations[reply.callID]?[reply.attempt] = nil
            if cancellations[reply.callID]?.isEmpty == true { cancellations[reply.callID] = nil }
            inFlight -= 1
            onWorkThread -= 1
            try send(.reply(reply))
        }
    }

    /// Heartbeats the host, and reconnects when it has been silent for `liveness` intervals.
    private func keepAlive() throws {
        let now = nowMs()
        if now - lastSentMs >= heartbeatIntervalMs {
            try send(.heartbeat(Heartbeat(sentMs: now, inFlight: UInt32(max(inFlight, 0)))))
        }
        if now - lastHeardMs > heartbeatIntervalMs * liveness {
            let hint =
                options.curve.map {
                    "; if the host uses CURVE, check that this worker's public key \($0.keys.publicKey.z85) is in "
                        + "its allowed keys and --server-key is the host's public key"
                } ?? ""
            logger.warning(
                "host silent; reconnecting" + hint, ["silent_ms": now - lastHeardMs, "retry_in_ms": reconnectDelayMs])
            // Closed before the wait: a Hello still queued on it would otherwise reach a host that comes up
            // meanwhile, which would register a worker that is asleep here and then lose it for its silence.
            socket?.close()
            usleep(useconds_t(reconnectDelayMs * 1000))
            reconnectDelayMs = min(reconnectDelayMs * 2, 8000)
            try connect()
        }
    }

    private func sayGoodbye() throws {
        try? send(.goodbye(Goodbye(reason: "plugin stopping")))
        socket?.close()
        socket = nil
        context.terminate()
        logger.info("stopped", ["worker.pid": getpid()])
    }

    private func installSignalHandlers() -> [DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let flag = stopping
            let wakeup = self.wakeup
            source.setEventHandler {
                flag.set()
                wakeup.signal()
            }
            source.resume()
            return source
        }
    }

    private func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// The service, handed to the work queue. Only that serial queue touches it after `start`, which is
/// what makes the unchecked Sendable sound.
struct ServiceOnWorkQueue: @unchecked Sendable {
    let service: PluginService
}
