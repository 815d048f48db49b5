import CZeroMQ
import Foundation

/// One CURVE key (public or secret) in Z85 text form: exactly 40 characters of the Z85 alphabet, which
/// libzmq decodes to 32 bytes. Construction validates the text, so a ``CurveKey`` is always usable.
public struct CurveKey: Sendable, Hashable, CustomStringConvertible {
    /// The 40-character Z85 text.
    public let z85: String

    /// Z85's 85 characters (ZeroMQ RFC 32).
    static let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")

    /// Validates `z85`; the error names the first problem (length, or the offending character and position).
    public init(z85: String) throws {
        guard z85.count == 40 else {
            throw CurveKeyError("a CURVE key is 40 Z85 characters, got \(z85.count)")
        }
        if let index = z85.firstIndex(where: { !Self.alphabet.contains($0) }) {
            let position = z85.distance(from: z85.startIndex, to: index) + 1
            throw CurveKeyError("character \(position) of the CURVE key ('\(z85[index])') is not a Z85 character")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&bytes, z85) != nil else {
            throw CurveKeyError("the CURVE key does not decode as Z85 (a group of 5 characters is out of range)")
        }
        self.z85 = z85
    }

    /// The 32 key bytes.
    public var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        _ = zmq_z85_decode(&bytes, z85)
        return bytes
    }

    /// The Z85 text of 32 raw key bytes (as a ZAP request carries a client's public key).
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw CurveKeyError("a CURVE key is 32 bytes, got \(bytes.count)") }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, bytes, 32) != nil else {
            throw CurveKeyError("zmq_z85_encode failed on a 32-byte key")
        }
        try self.init(z85: CurveKey.text(text))
    }

    /// The text in a NUL-terminated buffer libzmq filled.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The key text; for a secret key print only what the operator asked for.
    public var description: String { z85 }
}

/// A CURVE key or key file is unusable: what is wrong and, for files, which file and line.
public struct CurveKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
