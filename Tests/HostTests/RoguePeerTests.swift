import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// Peers that break the rules, against a real host: junk bytes on the control socket, Hellos the protocol
/// calls invalid, floods of malformed frames. Each is refused, counted and logged readably — and costs no
/// one else an answer.
@Suite("Rogue peers on the host's sockets", .serialized)
struct RoguePeerTests {
    /// Connects a plain unix socket (no ZeroMQ) to `path`, writes `bytes` and closes it.
    static func sendRaw(_ bytes: [UInt8], to path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        try #require(path.utf8.count < capacity, "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(connected == 0, "connect \(path): errno \(errno)")
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// xorshift64*: reproducible junk.
    struct Junk {
        var state: UInt64
        mutating func bytes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                state ^= state >> 12
                state ^= state << 25
                state ^= state >> 27
                return UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
            }
        }
    }

    @Test("junk bytes on the control socket never cost a following ctl command its reply")
    func controlSocketJunk() throws {
        let harness = try HostHarness(replicas: 0)
        try harness.start()
        let control = "\(harness.runtime)/control.ipc"
        // ZMTP/1.0 frames (a first byte other than 0xFF): an empty identity, then a two-frame message without
        // the REQ envelope's empty delimiter — what a REP socket rolled back and then lost the next reply over.
        let crafted: [UInt8] = [0x01, 0x00, 0x02, 0x01, 0x61, 0x02, 0x00, 0x62]
        var junk = Junk(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<30 {
            try Self.sendRaw(round % 3 == 0 ? crafted : junk.bytes(464), to: control)
            let answer = try harness.ctl(["status", "--json"])
            let json = try? JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any]
            #expect(answer.status == 0 && json?["host"] != nil, "round \(round): \(answer.output)")
        }
        // A command that changes something gets its answer too.
        let scale = try harness.ctl(["scale", "bench", "0"])
        #expect(scale.status == 0 && scale.output.contains("scaling to 0"), "\(scale.output)")
        let calls = try harness.status()["calls"] as? [String: Any] ?? [:]
        #expect((calls["bad_control_requests"] as? Int ?? 0) >= 10, "\(calls)")
        harness.stop()
        #expect(harness.log.contains("dropped a malformed message on the control socket"))
        #expect(!harness.log.utf8.contains(0), "raw bytes in the log")
    }

    /// Sends `hello` from a fresh DEALER with `identity` and returns the host's answer.
    static func answer(to hello: Hello, identity: String, endpoint: String) throws -> PeerMessage? {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        defer {
            dealer.close()
            context.terminate()
        }
        try dealer.setIdentity(Array(identity.utf8))
        try dealer.setReceiveTimeout(ms: 10_000)
        try dealer.connect(endpoint)
        _ = try dealer.send(PeerFrames.encode(.hello(hello)))
        return try dealer.receive().map { try PeerFrames.decode($0) }
    }

    @Test("Hellos the protocol calls invalid are refused with the reason, named in the log and counted")
    func invalidHellos() throws {
        let harness = try HostHarness(replicas: 0)
        try harness.start()
        let endpoint = "ipc://\(harness.runtime)/plugins.ipc"
        func hello(plugin: String = "bench", methods: [String] = ["bench.Noop"], credits: UInt32 = 1) -> Hello {
            Hello(
                plugin: plugin, instanceID: UUID().uuidString, pid: 4242, methods: methods, credits: credits,
                version: "t")
        }
        let refusals: [(Hello, String)] = [
            (hello(credits: 0), "credits must be 1…1024, got 0"),
            (hello(credits: 4_000_000_000), "credits must be 1…1024, got 4000000000"),
            (hello(plugin: "bad name\u{7}"), "plugin name 'bad name\\u{7}' is not"),
            (hello(plugin: ""), "plugin name '' is not"),
            (hello(methods: []), "methods must name 1…256 methods, got 0"),
            (hello(methods: ["Noop"]), "method 'Noop' is not SERVICE.Method"),
        ]
        for (index, (bad, reason)) in refusals.enumerated() {
            let answer = try Self.answer(to: bad, identity: "rogue-\(index)", endpoint: endpoint)
            guard case .goodbye(let goodbye)? = answer else {
                Issue.record("no Goodbye for \(reason): \(String(describing: answer))")
                continue
            }
            #expect(
                goodbye.reason.hasPrefix("refused: invalid Hello: ") && goodbye.reason.contains(reason), "\(goodbye)")
        }
        // A valid one is welcomed; none of the refused ones was registered.
        guard case .welcome? = try Self.answer(to: hello(), identity: "good-1", endpoint: endpoint) else {
            Issue.record("a valid Hello was not welcomed")
            return
        }
        let status = try harness.status()
        #expect((status["calls"] as? [String: Any])?["refused_hellos"] as? Int == refusals.count)
        let workers = status["workers"] as? [[String: Any]] ?? []
        #expect(workers.count == 1 && workers.first?["credits"] as? Int == 1, "\(workers)")
        harness.stop()
        let refused = harness.log.split(separator: "\n").filter { $0.contains("msg=\"refused a worker's Hello") }
        #expect(refused.count == refusals.count)
        #expect(refused.contains { $0.contains("peer=rogue-0") && $0.contains("got 0") })
    }

    @Test("a flood of malformed frames: counted, logged with printable peers, at most 10 lines, then a summary")
    func malformedFrameFlood() throws {
        let harness = try HostHarness(replicas: 0)
        try harness.start()
        let context = try ZMQContext()
        // 20 peers with identities holding NUL bytes, 10 bad messages each.
        let dealers = try (0..<20).map { index -> ZMQSocket in
            let dealer = try ZMQSocket(context: context, kind: .dealer)
            try dealer.setIdentity([0x66, 0x00, UInt8(index), 0x00])
            try dealer.connect("ipc://\(harness.runtime)/plugins.ipc")
            return dealer
        }
        for dealer in dealers {
            for _ in 0..<10 { _ = try dealer.send([Array("XYZ".utf8), [0x00, 0x01]]) }
        }
        #expect(
            try harness.wait(seconds: 20) { _ in
                (try harness.status()["calls"] as? [String: Any])?["bad_frames"] as? Int == 200
            })
        for dealer in dealers {
            try dealer.setLinger(ms: 0)
            dealer.close()
        }
        context.terminate()
        harness.stop()

        let log = harness.log
        #expect(!log.utf8.contains(0), "raw bytes in the log")
        let lines = log.split(separator: "\n").filter { $0.contains("msg=\"dropped a malformed frame from a peer\"") }
        #expect(lines.count == 10, "\(lines.count) lines")
        #expect(lines.allSatisfy { $0.contains("peer=hex:6600") })
        let summary = log.split(separator: "\n").first { $0.contains("more warnings of this kind were not logged") }
        #expect(summary?.contains("suppressed=190") == true && summary?.contains("peers=20") == true, "\(log)")
    }
}
