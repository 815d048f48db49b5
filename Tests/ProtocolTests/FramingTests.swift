import CProtobufC
import RaceDomain
import RoadSenseProtocol
import RoadSenseWireC
import Testing

@Suite("Peer and broadcast framing reject what a peer should not send")
struct FramingTests {
    private let frames = PeerFrames.encode(.heartbeat(Heartbeat(sentMs: 7, inFlight: 1)))

    @Test("a message routed to a peer is its identity in front of the same frames, and decodes past it")
    func routedFrames() throws {
        let message = PeerMessage.heartbeat(Heartbeat(sentMs: 7, inFlight: 1))
        let routed = PeerFrames.encode(message, to: Array("bench-1".utf8))
        #expect(routed == [Array("bench-1".utf8)] + frames)
        #expect(try PeerFrames.decode(routed.dropFirst()) == message)
        #expect(throws: WireError.self) { try PeerFrames.decode(routed.dropFirst(2)) }
    }

    @Test("a peer message is the RS1 tag followed by its body")
    func peerFramesLayout() throws {
        #expect(frames.count == 2)
        #expect(frames[0] == [0x52, 0x53, 0x31])
        #expect(try PeerFrames.decode(frames) == .heartbeat(Heartbeat(sentMs: 7, inFlight: 1)))
    }

    @Test("a wrong frame count is rejected", arguments: [0, 1, 3])
    func wrongFrameCount(count: Int) throws {
        let wrong = Array((frames + [[1]]).prefix(count))
        let error = try #require(throws: WireError.self) { try PeerFrames.decode(wrong) }
        #expect(error.code == .badFrameCount)
        #expect(error.reason.contains("got \(count)"))
    }

    @Test("a wrong protocol tag is rejected", arguments: [[UInt8](), Array("RS2".utf8), Array("RS1 ".utf8)])
    func wrongTag(tag: [UInt8]) throws {
        let error = try #require(throws: WireError.self) { try PeerFrames.decode([tag, frames[1]]) }
        #expect(error.code == .badProtocolTag)
    }

    @Test("an undecodable body is rejected with the body's error")
    func undecodableBody() throws {
        let error = try #require(throws: WireError.self) { try PeerFrames.decode([PeerFrames.tag, [0xFF, 0xFF]]) }
        #expect(error.code == .malformed)
        #expect(error.messageType == "PeerMessage")
    }

    @Test("a broadcast is the topic followed by the Update, and a wrong shape is rejected")
    func broadcastFrames() throws {
        let update = Update(seq: 9, publishedMs: 10, topic: "car.2", body: .carState(WireFixtures.state))
        let encoded = BroadcastFrames.encode(update)
        #expect(encoded[0] == Array("car.2".utf8))
        #expect(try BroadcastFrames.decode(encoded) == update)

        let error = try #require(throws: WireError.self) { try BroadcastFrames.decode([encoded[1]]) }
        #expect(error.code == .badFrameCount)
        #expect(throws: WireError(.malformed, "", messageType: "")) { try BroadcastFrames.decode([[], [0x0A]]) }
    }

    @Test("status codes carry gRPC numbers, names and retryability")
    func statusCodes() {
        #expect(StatusCode.deadlineExceeded.rawValue == 4)
        #expect(StatusCode.deadlineExceeded.name == "DEADLINE_EXCEEDED")
        #expect(StatusCode.internal.name == "INTERNAL")
        #expect(StatusCode.ok.name == "OK")
        #expect(
            StatusCode.allCases.filter(\.isRetryable) == [
                .deadlineExceeded, .resourceExhausted, .aborted, .unavailable,
            ])
        #expect(StatusCode(wireValue: 99) == .unknown)
        // Every name is the one protoc-c generated from proto/roadsense.proto, number for number.
        var descriptor = roadsense__v1__status_code__descriptor
        for code in StatusCode.allCases {
            let value = protobuf_c_enum_descriptor_get_value(&descriptor, Int32(code.rawValue))
            #expect(value.map { String(cString: $0.pointee.name) } == code.name)
        }
        #expect(Priority.named("HIGH") == .high)
        #expect(Priority.named("urgent") == nil)
        #expect(Priority(wireValue: 0) == .medium)
    }
}
