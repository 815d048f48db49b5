import Foundation
import RoadSenseProtocol

/// Answers libzmq's ZAP requests for the host's CURVE sockets: admits a client only when its public key
/// is in the allowlist. Owns the REP socket bound on `inproc://zeromq.zap.01` in the host's context;
/// confined to the host thread, which polls the socket with the others and calls ``serve()``.
///
/// Bound before any CURVE socket binds and closed after them: libzmq (without the draft option
/// ZMQ_ZAP_ENFORCE_DOMAIN) admits every CURVE client when no handler is bound, so the handler must
/// outlive the sockets it guards.
final class ZAPHandler {
    static let endpoint = "inproc://zeromq.zap.01"

    let socket: ZMQSocket
    private let allowed: [CurveKey: String]
    private let logger: Logger
    private(set) var admitted = 0
    /// Handshakes refused (an unknown client's libzmq reconnects and is refused again each time).
    private(set) var refused = 0
    /// When each refused key was last logged at warning level, so a retrying client logs once a minute.
    private var lastWarnedMs: [String: Int64] = [:]

    init(context: ZMQContext, allowed: [CurveKey: String], logger: Logger) throws {
        socket = try ZMQSocket(context: context, kind: .rep)
        try socket.bind(Self.endpoint)
        self.allowed = allowed
        self.logger = logger
    }

    /// Answers every request waiting; never blocks.
    func serve(nowMs: Int64) {
        while let frames = try? socket.receive(dontWait: true) {
            _ = try? socket.send(answer(frames, nowMs: nowMs), dontWait: true)
        }
    }

    func answer(_ frames: [[UInt8]], nowMs: Int64) -> [[UInt8]] {
        guard let request = ZAPRequest(frames: frames) else {
            logger.error("malformed ZAP request from libzmq; refused", ["frames": frames.count])
            return ZAPRequest.reply(to: frames.count > 1 ? frames[1] : [], code: 500, text: "malformed request")
        }
        if let key = request.clientKey, let label = allowed[key] {
            admitted += 1
            logger.info(
                "peer admitted",
                ["peer.address": request.address, "peer.key": key, "label": label, "zap.domain": request.domain])
            return ZAPRequest.reply(to: request.requestID, code: 200, text: "OK", userID: label)
        }

        refused += 1
        let key = request.clientKey?.z85 ?? "(\(request.mechanism), no CURVE key)"
        let message =
            "peer refused: its public key is not in the allowed keys (curveAllowedKeysDir/curveAllowedKeysFile)"
        let metadata: KeyValuePairs<String, Any> = [
            "peer.address": request.address, "peer.key": key, "zap.domain": request.domain, "refused_total": refused,
        ]
        if nowMs - (lastWarnedMs[key] ?? .min / 2) >= 60_000 {
            if lastWarnedMs.count > 10_000 { lastWarnedMs.removeAll() }
            lastWarnedMs[key] = nowMs
            logger.warning(message, metadata)
        } else {
            logger.debug(message, metadata)
        }
        return ZAPRequest.reply(to: request.requestID, code: 400, text: "public key not allowed")
    }

    func close() { socket.close() }
}
