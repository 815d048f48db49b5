import Foundation
import RoadSenseProtocol
import Testing

@testable import RoadSenseHost

/// A `tcp://` endpoint is refused without CURVE keys, unless `insecureTcp` says so plainly.
@Suite("Configuration: TCP needs CURVE keys")
struct ConfigurationSecurityTests {
    func load(_ json: String) throws -> HostConfiguration {
        let path = try TestPaths.temporaryDirectory("config").appendingPathComponent("c.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return try HostConfiguration.load(file: path)
    }

    func reason(_ json: String) -> String {
        do {
            _ = try load(json)
            return "no error"
        } catch let error as HostError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    @Test("a TCP plugin endpoint without curveSecretKeyFile is refused, naming the field and keygen")
    func noSecretKey() {
        let reason = reason(#"{"pluginEndpoint": "tcp://0.0.0.0:5555"}"#)
        #expect(reason.contains("field curveSecretKeyFile: tcp://0.0.0.0:5555 is TCP, which needs CURVE"))
        #expect(reason.contains("roadsense keygen --name host"))
    }

    @Test("a TCP update endpoint with a secret key but no allowed keys is refused, naming curveAllowedKeysDir")
    func noAllowlist() {
        let reason = reason(#"{"publishEndpoint": "tcp://0.0.0.0:5556", "curveSecretKeyFile": "/k/host.key"}"#)
        #expect(reason.contains("field curveAllowedKeysDir: tcp://0.0.0.0:5556 is TCP with CURVE but no worker key"))
    }

    @Test("insecureTcp allows TCP without keys; ipc needs no keys; keys and an allowlist are accepted")
    func accepted() throws {
        #expect(try load(#"{"pluginEndpoint": "tcp://127.0.0.1:5555", "insecureTcp": true}"#).insecureTcp)
        #expect(try load(#"{"curveSecretKeyFile": "/k/host.key"}"#).pluginEndpoint.hasPrefix("ipc://"))
        let config = try load(
            #"{"pluginEndpoint": "tcp://127.0.0.1:5555", "curveSecretKeyFile": "/k/host.key", "curveAllowedKeysFile": "/k/allowed"}"#
        )
        #expect(config.curveAllowedKeysFile == "/k/allowed")
    }

    @Test("--runtime-dir moves ipc endpoints but keeps a configured TCP endpoint")
    func runtimeDirectoryKeepsTcp() {
        var config = HostConfiguration.defaults()
        config.pluginEndpoint = "tcp://0.0.0.0:5555"
        config.useRuntimeDirectory("/tmp/rs-x")
        #expect(config.pluginEndpoint == "tcp://0.0.0.0:5555")
        #expect(config.publishEndpoint == "ipc:///tmp/rs-x/updates.ipc")
    }

    @Test("the ZAP handler admits an allowed CURVE key (200, its label) and refuses and counts another (400)")
    func zapDecisions() throws {
        let context = try ZMQContext()
        let allowed = try CurveKeyPair.generate().publicKey
        let stranger = try CurveKeyPair.generate().publicKey
        let handler = try ZAPHandler(
            context: context, allowed: [allowed: "pit-laptop"], logger: Logger(component: "test", minimum: .error))
        defer { handler.close() }
        func request(_ key: CurveKey) -> [[UInt8]] {
            ["1.0", "7", "roadsense.plugins", "10.0.0.9", ""].map { Array($0.utf8) } + [Array("CURVE".utf8), key.bytes]
        }

        #expect(
            Array(handler.answer(request(allowed), nowMs: 0)[2...4]) == [
                Array("200".utf8), Array("OK".utf8), Array("pit-laptop".utf8),
            ])
        #expect(handler.answer(request(stranger), nowMs: 0)[2] == Array("400".utf8))
        #expect(
            Array(handler.answer([Array("2.0".utf8), Array("8".utf8)], nowMs: 0)[1...2]) == [
                Array("8".utf8), Array("500".utf8),
            ])
        #expect((handler.admitted, handler.refused) == (1, 1))
    }
}
