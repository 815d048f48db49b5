/// The framing of the PUB socket: two frames, the topic (UTF-8, for subscription prefix matching) and one
/// encoded ``Update``.
public enum BroadcastFrames {
    public static func encode(_ update: Update) -> [[UInt8]] {
        [Array(update.topic.utf8), update.encoded()]
    }

    /// Throws ``WireError`` on a wrong frame count or an undecodable body. The topic frame is not checked
    /// against `Update.topic`: the body is authoritative.
    public static func decode(_ frames: [[UInt8]]) throws -> Update {
        guard frames.count == 2 else {
            throw WireError(
                .badFrameCount, "expected 2 frames (topic, update), got \(frames.count)", messageType: "BroadcastFrames"
            )
        }
        return try Update(wire: frames[1])
    }
}
