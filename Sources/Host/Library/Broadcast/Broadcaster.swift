import RaceDomain
import RoadSenseProtocol

/// Owns the PUB socket. Every update gets the next sequence number (from 1, no gaps), so a subscriber
/// can tell when it missed messages. Confined to the host loop thread.
final class Broadcaster {
    private let socket: ZMQSocket
    private(set) var sequence: UInt64 = 0
    let endpoint: String

    /// `configure` sets socket options (CURVE) before the bind.
    init(context: ZMQContext, endpoint: String, configure: (ZMQSocket) throws -> Void = { _ in }) throws {
        socket = try ZMQSocket(context: context, kind: .pub)
        // A replay publishes in bursts; keep a deep queue so a slow subscriber is not silently dropped.
        try socket.setHighWaterMarks(send: 200_000, receive: 1000)
        try configure(socket)
        try socket.bind(endpoint)
        self.endpoint = endpoint
    }

    /// Updates published while held, sent in order by `release()` (after the store commit that keeps them).
    private var held: [[[UInt8]]] = []
    private var holding = false

    func publish(topic: String, body: Update.Body, atMs: Int64) {
        sequence += 1
        let update = Update(seq: sequence, publishedMs: atMs, topic: topic, body: body)
        let frames = BroadcastFrames.encode(update)
        if holding {
            held.append(frames)
        } else {
            _ = try? socket.send(frames, dontWait: true)
        }
    }

    func hold() { holding = true }

    /// Drops what was published while held: the commit that was to keep it failed.
    func discardHeld() {
        holding = false
        held.removeAll(keepingCapacity: true)
    }

    func release() {
        holding = false
        for frames in held { _ = try? socket.send(frames, dontWait: true) }
        held.removeAll(keepingCapacity: true)
    }

    func close() { socket.close() }

    /// The endpoint bound, with the port libzmq chose for `tcp://HOST:*`.
    var boundEndpoint: String { (try? socket.lastEndpoint()) ?? endpoint }

    static func topic(_ prefix: String, vehicleID: String, carNumber: Int?) -> String {
        "\(prefix).\(CarKey.of(vehicleID: vehicleID, carNumber: carNumber))"
    }
}
