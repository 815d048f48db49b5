import Foundation
import RoadSenseProtocol

/// A SUB socket on its own thread (and its own ZeroMQ context) that prints every update matching its
/// prefixes — the same path any external subscriber uses.
public final class UpdateSubscriber: @unchecked Sendable {
    private let endpoint: String
    private let prefixes: [String]
    /// Subscriptions written `topic$`: only that exact topic, not every topic it is a prefix of.
    private let exactTopics: Set<String>
    private let output: HostOutput?
    private let stop = LockedFlag()
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var _received = 0
    private var _missed: UInt64 = 0
    private var _sawSummary = false
    private let onUpdate: (@Sendable (Update) -> Void)?
    /// The host's public key and this subscriber's key pair, for a `tcp://` PUB socket with CURVE; set
    /// before ``start()``.
    public var curve: (serverKey: CurveKey, keys: CurveKeyPair)?

    public init(
        endpoint: String, prefixes: [String], output: HostOutput? = nil, onUpdate: (@Sendable (Update) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.prefixes = prefixes.isEmpty ? [""] : prefixes.map { $0.hasSuffix("$") ? String($0.dropLast()) : $0 }
        exactTopics = Set(prefixes.filter { $0.hasSuffix("$") }.map { String($0.dropLast()) })
        self.output = output
        self.onUpdate = onUpdate
    }

    /// Starts the thread; returns once the socket is connected.
    public func start() throws {
        let context = try ZMQContext()
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, kind: .sub)
        } catch {
            context.terminate()
            throw error
        }
        do {
            for prefix in prefixes { try socket.subscribe(prefix) }
            // The summary always comes through, so a watcher knows the run ended.
            if !prefixes.contains("") { try socket.subscribe("summary") }
            if let curve { try socket.setCurveClient(serverKey: curve.serverKey, keys: curve.keys) }
            try socket.connect(endpoint)
        } catch {
            socket.close()
            context.terminate()
            throw error
        }
        // The socket moves to the watcher thread and is used only there from now on.
        let owned = SocketOnThread(socket: socket)
        let thread = Thread { [self] in
            self.receiveLoop(socket: owned.socket)
            owned.socket.close()
            context.terminate()
            self.finished.signal()
        }
        thread.name = "roadsense.watch"
        thread.start()
    }

    private func receiveLoop(socket: ZMQSocket) {
        var lastSeq: UInt64 = 0
        var stdoutClosed = false
        while !stop.isSet {
            guard let ready = try? ZMQPoller.poll(sockets: [socket], fds: [], timeoutMs: 100),
                ready.sockets.first == true
            else { continue }
            while let frames = try? socket.receive(dontWait: true) {
                guard let update = try? BroadcastFrames.decode(frames) else { continue }
                if !exactTopics.isEmpty && !wanted(update.topic) { continue }
                lock.lock()
                _received += 1
                if lastSeq > 0 && update.seq > lastSeq && update.seq - lastSeq > 1 && prefixes == [""] {
                    _missed += update.seq - lastSeq - 1
                }
                if case .summary = update.body { _sawSummary = true }
                lock.unlock()
                lastSeq = update.seq
                if let onUpdate {
                    onUpdate(update)
                } else if !stdoutClosed {
                    output?.clearLine()
                    if !Console.write(UpdateFormatter.line(update) + "\n") {
                        // The reader went away (`| head`, or `less` quit): stop printing; the host runs on.
                        stdoutClosed = true
                        Console.error("roadsense: standard output closed; no longer printing updates\n")
                    }
                }
            }
        }
    }

    /// Whether a topic passes the subscriptions: a plain prefix, or an exact `topic$` match.
    private func wanted(_ topic: String) -> Bool {
        if exactTopics.contains(topic) || topic == "summary" { return true }
        return prefixes.contains { !exactTopics.contains($0) && topic.hasPrefix($0) }
    }

    /// Waits (up to `timeoutMs`) for the run's summary to arrive, then stops the thread.
    public func finish(timeoutMs: Int) {
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while !sawSummary && Date() < deadline { usleep(5000) }
        stop.set()
        finished.wait()
    }

    /// Stops at once.
    public func cancel() {
        stop.set()
        finished.wait()
    }

    public var received: Int { lock.withLock { _received } }
    public var missed: UInt64 { lock.withLock { _missed } }
    public var sawSummary: Bool { lock.withLock { _sawSummary } }
}

/// Hands a socket to the one thread that will use it.
private struct SocketOnThread: @unchecked Sendable {
    let socket: ZMQSocket
}
