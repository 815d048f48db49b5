import Foundation
import RoadSenseProtocol
import Testing

@Suite("ZeroMQ sockets carry RoadSense frames")
struct ZMQSocketTests {
    @Test(
        "a DEALER's Hello reaches the ROUTER with its identity and the Welcome comes back",
        arguments: ["inproc", "ipc"])
    func routerDealerExchange(transport: String) throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let endpoint = ZMQTestSupport.endpoint(transport)
        defer { ZMQTestSupport.removeFile(of: endpoint) }
        let router = try ZMQSocket(context: context, kind: .router)
        defer { router.close() }
        try router.setRouterMandatory()
        try router.bind(endpoint)
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        defer { dealer.close() }
        try dealer.setIdentity(Array("telemetry-1".utf8))
        try dealer.connect(endpoint)

        // Plugin to host: identity, tag, body.
        #expect(try dealer.send(PeerFrames.encode(.hello(WireFixtures.hello)), dontWait: false))
        let fromPlugin = try #require(try ZMQTestSupport.receive(router))
        #expect(fromPlugin.count == 3)
        #expect(fromPlugin[0] == Array("telemetry-1".utf8))
        #expect(try PeerFrames.decode(Array(fromPlugin.dropFirst())) == .hello(WireFixtures.hello))

        // Host to plugin, addressed by that identity.
        let welcome = PeerMessage.welcome(Welcome(hostID: "host-ü", heartbeatIntervalMs: 500, liveness: 3))
        #expect(try router.send([fromPlugin[0]] + PeerFrames.encode(welcome), dontWait: true))
        let fromHost = try #require(try ZMQTestSupport.receive(dealer))
        #expect(try PeerFrames.decode(fromHost) == welcome)
        #expect(try router.lastEndpoint() == endpoint)
    }

    @Test("a mandatory ROUTER throws EHOSTUNREACH for an unknown identity")
    func routerMandatoryThrows() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let router = try ZMQSocket(context: context, kind: .router)
        defer { router.close() }
        try router.setRouterMandatory()
        try router.bind(ZMQTestSupport.endpoint("inproc"))

        let frames = [Array("nobody".utf8)] + PeerFrames.encode(.goodbye(Goodbye(reason: "x")))
        let error = try #require(throws: ZMQError.self) { try router.send(frames, dontWait: true) }
        #expect(error.errno == EHOSTUNREACH)
        #expect(error.isHostUnreachable)
        #expect(error.operation == "zmq_send")
        #expect(!error.text.isEmpty)
    }

    @Test("PUB delivers only subscribed topics to SUB, in order and decodable")
    func pubSubFiltersTopics() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let endpoint = ZMQTestSupport.endpoint("ipc")
        defer { ZMQTestSupport.removeFile(of: endpoint) }
        let publisher = try ZMQSocket(context: context, kind: .pub)
        defer { publisher.close() }
        try publisher.bind(endpoint)
        let subscriber = try ZMQSocket(context: context, kind: .sub)
        defer { subscriber.close() }
        try subscriber.subscribe("car.")
        try subscriber.subscribe("probe")
        try subscriber.connect(endpoint)

        // The subscription reaches the publisher asynchronously: publish probes until one arrives.
        var probed = false
        for _ in 0..<500 where !probed {
            try publisher.send([Array("probe".utf8), []], dontWait: true)
            probed = try ZMQTestSupport.receive(subscriber, timeoutMs: 10) != nil
        }
        try #require(probed)

        let updates = WireFixtures.updateBodies.enumerated().map { index, body in
            Update(
                seq: UInt64(index + 1), publishedMs: 0, topic: index.isMultiple(of: 2) ? "car.\(index)" : "weather",
                body: body)
        }
        for update in updates { try publisher.send(BroadcastFrames.encode(update), dontWait: true) }
        try publisher.send([Array("probe.end".utf8), []], dontWait: true)

        var received: [Update] = []
        while let frames = try ZMQTestSupport.receive(subscriber) {
            if frames[0] == Array("probe.end".utf8) { break }
            if frames[0] == Array("probe".utf8) { continue }
            received.append(try BroadcastFrames.decode(frames))
        }
        #expect(received == updates.filter { $0.topic.hasPrefix("car.") })
        #expect(received.map(\.seq) == [1, 3, 5, 7])
    }

    @Test("non-blocking calls report would-block as false and nil")
    func wouldBlockIsNotAnError() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        defer { dealer.close() }

        // No peer at all: a DEALER has nowhere to queue.
        #expect(try dealer.send([[1]], dontWait: true) == false)
        #expect(try dealer.receive(dontWait: true) == nil)
    }

    @Test("a tcp wildcard bind reports its chosen port and a closed socket refuses work")
    func lastEndpointAndClose() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try ZMQSocket(context: context, kind: .rep)
        try socket.bind("tcp://127.0.0.1:*")
        let endpoint = try socket.lastEndpoint()
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(endpoint != "tcp://127.0.0.1:*")

        socket.close()
        #expect(socket.isClosed)
        let error = try #require(throws: ZMQError.self) { try socket.receive(dontWait: true) }
        #expect(error.errno == ENOTSOCK)
        let bad = try #require(throws: ZMQError.self) { try ZMQSocket(context: context, kind: .pair).bind("nope://x") }
        #expect(bad.endpoint == "nope://x")
        #expect(bad.operation == "zmq_bind")
    }

    @Test("a multipart message with empty and large frames arrives intact over PAIR")
    func multipartFramesArriveIntact() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let endpoint = ZMQTestSupport.endpoint("inproc")
        let left = try ZMQSocket(context: context, kind: .pair)
        defer { left.close() }
        try left.bind(endpoint)
        let right = try ZMQSocket(context: context, kind: .pair)
        defer { right.close() }
        try right.connect(endpoint)

        let frames: [[UInt8]] = [[], Array(repeating: 0xAB, count: 1_000_000), [0], []]
        #expect(try left.send(frames))
        #expect(try ZMQTestSupport.receive(right) == frames)
    }
}
