/// A message or frame from outside could not be read.
///
/// Equality is by ``code`` only, so tests and callers can match on the kind of failure.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; extensible without breaking callers that switch on known codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String

        public init(_ name: String) { self.name = name }

        /// protobuf-c rejected the bytes (truncated, bad varint, bad wire type, ...).
        public static let malformed = Code("malformed")
        /// A oneof is not set, or set to a member this build does not know.
        public static let unknownTag = Code("unknownTag")
        /// An enum field holds a number this build cannot represent.
        public static let unknownEnumValue = Code("unknownEnumValue")
        /// A submessage the Swift type needs is absent.
        public static let missingField = Code("missingField")
        /// A field holds a value outside its documented set (e.g. an unknown `LapRecord.source`).
        public static let invalidValue = Code("invalidValue")
        /// A ZeroMQ message had the wrong number of frames.
        public static let badFrameCount = Code("badFrameCount")
        /// Frame 0 of a peer message is not the protocol tag.
        public static let badProtocolTag = Code("badProtocolTag")

        public var description: String { name }
    }

    public var code: Code
    /// What was wrong, for a human.
    public var reason: String
    /// The Swift type being decoded (`Call`, `CarState`, ...), or the framing being read.
    public var messageType: String

    public init(_ code: Code, _ reason: String, messageType: String) {
        self.code = code
        self.reason = reason
        self.messageType = messageType
    }

    public var description: String { "WireError(\(code), \(messageType)): \(reason)" }

    public static func == (lhs: WireError, rhs: WireError) -> Bool { lhs.code == rhs.code }
}
