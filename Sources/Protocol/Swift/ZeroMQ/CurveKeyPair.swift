import CZeroMQ
import Foundation

/// A CURVE key pair (Curve25519, as libzmq's CURVE mechanism uses it), both halves as Z85 text: 40
/// printable characters encoding 32 bytes. The secret half authenticates its holder; never log it.
public struct CurveKeyPair: Sendable, Equatable {
    public var publicKey: CurveKey
    public var secretKey: CurveKey

    public init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Whether the linked libzmq was built with CURVE (it needs libsodium or tweetnacl).
    public static var isAvailable: Bool { zmq_has("curve") == 1 }

    /// A fresh pair from libzmq's `zmq_curve_keypair`.
    public static func generate() throws -> CurveKeyPair {
        try requireCurve()
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        try ZMQCall.checked("zmq_curve_keypair") { zmq_curve_keypair(&publicText, &secretText) }
        return CurveKeyPair(
            publicKey: try CurveKey(z85: CurveKey.text(publicText)),
            secretKey: try CurveKey(z85: CurveKey.text(secretText)))
    }

    /// The pair whose secret half is `secretKey`; the public half is derived with `zmq_curve_public`.
    public init(secretKey: CurveKey) throws {
        try Self.requireCurve()
        var publicText = [CChar](repeating: 0, count: 41)
        try ZMQCall.checked("zmq_curve_public") { zmq_curve_public(&publicText, secretKey.z85) }
        self.init(publicKey: try CurveKey(z85: CurveKey.text(publicText)), secretKey: secretKey)
    }

    /// Throws a ``CurveKeyError`` saying what to install when this libzmq lacks CURVE.
    public static func requireCurve() throws {
        guard isAvailable else {
            throw CurveKeyError(
                "this libzmq (\(ZMQVersion.string)) was built without CURVE security; install a libzmq built with "
                    + "libsodium (Debian's libzmq5 is)")
        }
    }
}
