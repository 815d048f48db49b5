/// The framing of host/plugin messages: two frames, the protocol tag `RS1` and one encoded ``PeerMessage``.
///
/// The host's ROUTER socket sees the peer identity in front; strip it before calling ``decode(_:)``.
public enum PeerFrames {
    public static let tag: [UInt8] = Array("RS1".utf8)

    public static func encode(_ message: PeerMessage) -> [[UInt8]] {
        [tag, message.encoded()]
    }

    /// The frames a ROUTER sends to the peer `identity`: the identity, then ``encode(_:)``'s two frames.
    public static func encode(_ message: PeerMessage, to identity: [UInt8]) -> [[UInt8]] {
        [identity, tag, message.encoded()]
    }

    /// Throws ``WireError`` (`badFrameCount`, `badProtocolTag`, or the body's decoding error); never traps,
    /// whatever a peer sends.
    public static func decode(_ frames: [[UInt8]]) throws -> PeerMessage {
        try decode(frames[...])
    }

    /// The same, for the frames after a ROUTER's identity frame (`frames.dropFirst()`, without a copy).
    public static func decode(_ frames: ArraySlice<[UInt8]>) throws -> PeerMessage {
        guard frames.count == 2 else {
            throw WireError(
                .badFrameCount, "expected 2 frames (tag, body), got \(frames.count)", messageType: "PeerFrames")
        }
        guard frames[frames.startIndex] == tag else {
            let shown = frames[frames.startIndex].prefix(16).map { String($0, radix: 16) }.joined(separator: " ")
            throw WireError(.badProtocolTag, "frame 0 is not \"RS1\" but [\(shown)]", messageType: "PeerFrames")
        }
        return try PeerMessage(wire: frames[frames.startIndex + 1])
    }
}
