/// The RoadSense release and the wire protocol it speaks.
public enum RoadSenseVersion {
    public static let string = "0.1.0"
    /// The tag in frame 0 of every host/plugin message (see docs/protocol.md).
    public static let protocolTag = "RS1"
}
