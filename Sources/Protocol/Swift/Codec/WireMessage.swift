/// A value that travels as one protobuf message of `proto/roadsense.proto`.
///
/// Encoding cannot fail; decoding bytes from outside throws a ``WireError`` and never traps.
public protocol WireMessage: Sendable {
    /// The protobuf encoding of this value.
    func encoded() -> [UInt8]

    /// Decodes one message; throws ``WireError`` when the bytes are not a valid message of this type.
    init(wire bytes: [UInt8]) throws
}
