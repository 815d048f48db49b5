import Foundation
import RaceDomain
import Testing

@testable import RoadSenseProtocol

/// The JSON mapping on the messages no method carries but the proto has: oneofs (`Update.body`,
/// `PeerMessage.body`), repeated strings (`Hello.methods`), uint64 counts (`RunSummary`).
@Suite("Oneofs and other messages as JSON")
struct ProtobufJSONOneofTests {
    let update = ProtobufMessageType(Update.self)

    @Test("every body of an Update survives JSON and back, only the member that is set printed")
    func updateBodies() throws {
        let bodies: [Update.Body] = [
            .carState(WireFixtures.state), .prediction(WireFixtures.prediction), .alert(WireFixtures.alert),
            .lap(WireFixtures.lap), .weather(WireFixtures.weather), .report(WireFixtures.report),
            .summary(WireFixtures.summary),
        ]
        for (index, body) in bodies.enumerated() {
            let message = Update(
                seq: UInt64.max - UInt64(index), publishedMs: 1_757_184_041_926, topic: "t", body: body)
            let json = try ProtobufJSON.json(fromWire: message.encoded(), as: update)
            let bytes = try ProtobufJSON.wire(fromJSON: json, as: update)
            #expect(bytes == message.encoded())
            #expect(try Update(wire: bytes) == message)
            // seq, published_ms, topic and the one body member.
            guard case .object(let members) = try JSONValue.parse(json) else {
                throw WireError(.badJSON, json, messageType: "")
            }
            #expect(members.count == 4, "\(json)")
        }
    }

    @Test("peer messages with a oneof and repeated strings survive JSON and back")
    func peerMessages() throws {
        let peer = ProtobufMessageType(PeerMessage.self)
        for message in [PeerMessage.call(WireFixtures.call), .hello(WireFixtures.hello)] {
            let json = try ProtobufJSON.json(fromWire: message.encoded(), as: peer)
            #expect(try PeerMessage(wire: ProtobufJSON.wire(fromJSON: json, as: peer)) == message)
        }
    }

    @Test("two members of one oneof, or a uint64 out of range, are refused")
    func refusals() throws {
        let both = #"{"seq": 1, "car_state": {"samples": 1}, "alert": {"rule": "x"}}"#
        #expect(throws: WireError(.badJSON, "", messageType: "")) { try ProtobufJSON.wire(fromJSON: both, as: update) }
        do {
            _ = try ProtobufJSON.wire(fromJSON: both, as: update)
        } catch let error as WireError {
            #expect(error.reason == "alert: car_state is set too; only one member of a oneof may be")
        }
        do {
            _ = try ProtobufJSON.wire(fromJSON: #"{"seq": "18446744073709551616"}"#, as: update)
            Issue.record("accepted a seq above UInt64.max")
        } catch let error as WireError {
            #expect(error.reason == #"seq: "18446744073709551616" is out of range for uint64 (0…18446744073709551615)"#)
        }
        // Field 1 as a 10-byte varint of 2^64 − 1; published_ms −0 is 0, the default, so not written.
        #expect(
            try ProtobufJSON.wire(fromJSON: #"{"seq": "18446744073709551615", "published_ms": -0}"#, as: update)
                == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }
}
