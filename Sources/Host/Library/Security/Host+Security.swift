import Foundation
import RoadSenseProtocol

/// CURVE and ZAP for `tcp://` endpoints (see docs/protocol.md, Security). Runs on the host thread.
extension Host {
    /// Environment through which the plugins the host starts find their CURVE keys (see PluginOptions).
    static let serverKeyVariable = "ROADSENSE_CURVE_SERVER_KEY"
    static let secretKeyFileVariable = "ROADSENSE_CURVE_SECRET_KEY_FILE"

    /// Loads the keys and binds the ZAP handler; call after the context exists and before any socket binds.
    func prepareSecurity() throws {
        unsetenv(Self.serverKeyVariable)
        unsetenv(Self.secretKeyFileVariable)
        guard let curve = try CurveSecurity.load(config) else {
            if config.usesTcp {
                logger.warning(
                    "INSECURE: TCP endpoint without CURVE (insecureTcp is set); anyone who can reach the port can "
                        + "take calls, send results and read updates",
                    ["plugins": config.pluginEndpoint, "updates": config.publishEndpoint])
            }
            return
        }
        self.curve = curve
        zap = try ZAPHandler(context: context, allowed: curve.allowed, logger: logger.child("zap"))

        // The plugins this host starts connect with a key pair made now, held in the private runtime directory.
        if config.pluginEndpoint.hasPrefix("tcp://") {
            let path = config.runtimeDirectory + "/local-plugins.key"
            do {
                try CurveKeyFile.write(curve.localPlugins.secretKey, to: path, secret: true, overwrite: true)
            } catch let error as CurveKeyError {
                throw HostError(.socket, "cannot write the local plugins' key: \(error.description)")
            }
            setenv(Self.serverKeyVariable, curve.server.publicKey.z85, 1)
            setenv(Self.secretKeyFileVariable, path, 1)
        }
        logger.info(
            "CURVE on for TCP endpoints",
            ["server.key": curve.server.publicKey, "allowed_keys": curve.allowed.count - 1])
    }

    /// Makes `socket` a CURVE server when `endpoint` is TCP and keys are configured; before it binds.
    func secure(_ socket: ZMQSocket, endpoint: String, domain: String) throws {
        guard let curve, endpoint.hasPrefix("tcp://") else { return }
        try socket.setCurveServer(secretKey: curve.server.secretKey, zapDomain: domain)
    }

    /// The host's public key and the key pair its own plugins use: what an in-process watcher connects with.
    public var localClientKeys: (serverKey: CurveKey, keys: CurveKeyPair)? {
        curve.map { ($0.server.publicKey, $0.localPlugins) }
    }

    /// What `ctl status` shows under `security`.
    func securityStatus() -> [String: Any] {
        guard let curve, let zap else {
            return ["mechanism": config.usesTcp ? "none (insecureTcp)" : "none (local ipc)"]
        }
        return [
            "mechanism": "CURVE", "server_key": curve.server.publicKey.z85, "allowed_keys": curve.allowed.count - 1,
            "admitted": zap.admitted, "refused": zap.refused,
        ]
    }
}
