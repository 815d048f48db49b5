import RaceDomain
import RoadSenseProtocol
import Testing

@Suite("Bytes from outside never crash the decoder")
struct MalformedInputTests {
    @Test("garbage bytes throw a malformed WireError naming the type")
    func garbageThrows() throws {
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        let error = try #require(throws: WireError.self) { try PeerMessage(wire: garbage) }
        #expect(error.code == .malformed)
        #expect(error.messageType == "PeerMessage")

        // Field number 0 and wire type 7 are invalid in any message.
        #expect(throws: WireError(.malformed, "", messageType: "")) { try Call(wire: [0x00]) }
        #expect(throws: WireError(.malformed, "", messageType: "")) { try CarState(wire: [0x0F, 0x01]) }
    }

    @Test("every truncation of a valid message that cuts a field throws")
    func truncatedThrows() throws {
        let bytes = PeerMessage.call(WireFixtures.call).encoded()
        var failures = 0
        for length in 1..<bytes.count {
            do {
                _ = try PeerMessage(wire: Array(bytes.prefix(length)))
            } catch let error as WireError {
                #expect(error.code == .malformed)
                failures += 1
            }
        }
        // The body is one length-delimited field, so every proper prefix is incomplete.
        #expect(failures == bytes.count - 1)
    }

    @Test("a peer message without a body throws unknownTag")
    func emptyPeerMessageThrows() throws {
        let error = try #require(throws: WireError.self) { try PeerMessage(wire: []) }
        #expect(error.code == .unknownTag)
        // Field 99 (varint) is skipped as unknown, leaving the oneof unset.
        #expect(throws: WireError(.unknownTag, "", messageType: "")) { try Update(wire: [0x98, 0x06, 0x01]) }
    }

    @Test("out-of-range enum and string values are rejected with a clear code")
    func invalidValuesThrow() throws {
        // Alert.severity = 0 (SEVERITY_UNSPECIFIED): field 5, varint 0 is the default and is simply absent.
        let error = try #require(throws: WireError.self) { try Alert(wire: []) }
        #expect(error.code == .unknownEnumValue)

        // LapRecord.source = "pit" (field 15, length-delimited).
        let lapBytes: [UInt8] = [0x7A, 0x03] + Array("pit".utf8)
        #expect(throws: WireError(.invalidValue, "", messageType: "")) { try LapRecord(wire: lapBytes) }

        // Unknown status numbers read as UNKNOWN, unknown priorities as medium.
        let reply = try Reply(wire: [0x10, 0x63])
        #expect(reply.status == .unknown)
        #expect(try Call(wire: [0x38, 0x09]).priority == .medium)
    }

    @Test("ten thousand pseudo-random byte strings either decode or throw")
    func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x5EED)
        var thrown = 0
        for _ in 0..<10_000 {
            let length = Int(generator.next() % 64)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if (try? PeerMessage(wire: bytes)) == nil { thrown += 1 }
            _ = try? Update(wire: bytes)
            _ = try? TelemetryBatch(wire: bytes)
        }
        #expect(thrown > 9_000)
    }
}
