import RoadSenseProtocol

/// One ZAP 1.0 request (ZeroMQ RFC 27) as libzmq sends it to the handler on `inproc://zeromq.zap.01`:
/// version, request id, domain, peer address, routing id, mechanism, then the mechanism's credentials
/// (for CURVE, the client's 32-byte public key).
struct ZAPRequest: Equatable {
    var requestID: [UInt8]
    var domain: String
    /// The peer's IP address as libzmq saw it (no port).
    var address: String
    var mechanism: String
    /// The client's long-term public key, for CURVE.
    var clientKey: CurveKey?

    /// nil when the frames are not a ZAP 1.0 request (the handler then answers 500).
    init?(frames: [[UInt8]]) {
        guard frames.count >= 6, String(decoding: frames[0], as: UTF8.self) == "1.0" else { return nil }
        requestID = frames[1]
        domain = String(decoding: frames[2], as: UTF8.self)
        address = String(decoding: frames[3], as: UTF8.self)
        mechanism = String(decoding: frames[5], as: UTF8.self)
        clientKey = mechanism == "CURVE" && frames.count == 7 ? try? CurveKey(bytes: frames[6]) : nil
    }

    /// The reply frames: version, request id, status code, status text, user id, metadata (none).
    static func reply(to requestID: [UInt8], code: Int, text: String, userID: String = "") -> [[UInt8]] {
        [Array("1.0".utf8), requestID, Array(String(code).utf8), Array(text.utf8), Array(userID.utf8), []]
    }
}
