import Foundation
import RoadSenseProtocol

/// The host's CURVE setup for `tcp://` endpoints, loaded from the configured key files before any socket
/// binds: the server key pair, the public keys allowed in, and a key pair made at start for the plugins
/// the host runs itself (added to the allowlist in memory; its secret half lives in the private runtime
/// directory, mode 0600).
struct CurveSecurity {
    var server: CurveKeyPair
    /// Allowed client public keys, each with a label saying where it came from (file name or allowlist label).
    var allowed: [CurveKey: String]
    var localPlugins: CurveKeyPair

    /// ZAP domains, so the handler's log says which socket a peer tried.
    static let pluginDomain = "roadsense.plugins"
    static let updatesDomain = "roadsense.updates"

    /// nil when neither endpoint is `tcp://` or when `insecureTcp` is set; throws when the files are unusable.
    static func load(_ config: HostConfiguration) throws -> CurveSecurity? {
        guard config.usesTcp, !config.insecureTcp else { return nil }
        guard let secretFile = config.curveSecretKeyFile else {
            throw HostError(.badConfiguration, "curveSecretKeyFile is not set (see validate)")
        }
        do {
            try CurveKeyPair.requireCurve()
            let server = try CurveKeyPair(secretKey: CurveKeyFile.read(secretFile, secret: true))
            var allowed: [CurveKey: String] = [:]
            if let directory = config.curveAllowedKeysDir {
                for entry in try CurveKeyFile.directory(directory) { allowed[entry.key] = entry.label }
            }
            if let file = config.curveAllowedKeysFile {
                for entry in try CurveKeyFile.entries(file) {
                    allowed[entry.key] = entry.label.isEmpty ? "\(file):\(entry.line)" : entry.label
                }
            }
            let local = try CurveKeyPair.generate()
            allowed[local.publicKey] = "host-started plugin"
            return CurveSecurity(server: server, allowed: allowed, localPlugins: local)
        } catch let error as CurveKeyError {
            throw HostError(.badConfiguration, "CURVE keys for \(config.pluginEndpoint): \(error.description)")
        }
    }
}
