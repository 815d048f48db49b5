import Foundation
import RoadSenseProtocol
import Testing

/// Z85 keys and key files. The reference pair is the example client pair printed in libzmq's zmq_curve(7)
/// manual page.
@Suite("CURVE keys and key files")
struct CurveKeyTests {
    static let manualPublic = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
    static let manualSecret = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"

    @Test("this libzmq has CURVE (Debian builds it with libsodium)")
    func available() { #expect(CurveKeyPair.isAvailable) }

    @Test("the public key derived from the manual's secret key is the manual's public key")
    func derivesManualPublicKey() throws {
        let pair = try CurveKeyPair(secretKey: CurveKey(z85: Self.manualSecret))
        #expect(pair.publicKey.z85 == Self.manualPublic)
    }

    @Test("a generated pair is two different 40-character keys, the public one derived from the secret one")
    func generated() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40 && pair.secretKey.z85.count == 40)
        #expect(pair.publicKey != pair.secretKey)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
    }

    @Test("Z85 text and 32 key bytes convert both ways")
    func bytesRoundTrip() throws {
        let key = try CurveKey(z85: Self.manualPublic)
        #expect(key.bytes.count == 32)
        #expect(try CurveKey(bytes: key.bytes) == key)
        // RFC 32's example: these 8 bytes are "HelloWorld"; as the first 8 of 32 they give the first 10 characters.
        let hello: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B] + [UInt8](repeating: 0, count: 24)
        #expect(try CurveKey(bytes: hello).z85.hasPrefix("HelloWorld"))
    }

    @Test("a key of the wrong length or with a non-Z85 character is refused, saying which")
    func refusesBadKeys() {
        #expect(throws: CurveKeyError("a CURVE key is 40 Z85 characters, got 39")) {
            try CurveKey(z85: String(Self.manualPublic.dropLast()))
        }
        let spaced = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hI "
        #expect(throws: CurveKeyError("character 40 of the CURVE key (' ') is not a Z85 character")) {
            try CurveKey(z85: spaced)
        }
        #expect(throws: CurveKeyError("a CURVE key is 32 bytes, got 31")) {
            try CurveKey(bytes: [UInt8](repeating: 1, count: 31))
        }
    }

    @Test("key files: a secret is written 0600 and never replaced silently; a readable secret is refused")
    func keyFiles() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/w.key"
        let secret = try CurveKey(z85: Self.manualSecret)
        try CurveKeyFile.write(secret, to: path, secret: true, overwrite: false)
        #expect(try CurveKeyFile.read(path, secret: true) == secret)
        #expect(throws: CurveKeyError("\(path) already exists; pass --force to replace it")) {
            try CurveKeyFile.write(secret, to: path, secret: true, overwrite: false)
        }
        chmod(path, 0o644)
        #expect(
            throws: CurveKeyError(
                "\(path): a secret key must be readable by its owner only (mode 644); run chmod 600 \(path)")
        ) {
            try CurveKeyFile.read(path, secret: true)
        }
    }

    @Test("an allowlist file keeps labels, skips comments, and names the file and line of a bad key")
    func allowlist() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/allowed.txt"
        try "# pit wall\n\n\(Self.manualPublic)  pit laptop 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let entries = try CurveKeyFile.entries(path)
        #expect(entries.map(\.key.z85) == [Self.manualPublic])
        #expect(entries.map(\.label) == ["pit laptop 2"] && entries.map(\.line) == [3])

        try "\(Self.manualPublic)\nnot-a-key\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CurveKeyError("\(path), line 2: a CURVE key is 40 Z85 characters, got 9")) {
            try CurveKeyFile.entries(path)
        }
    }

    @Test("--server-key accepts the key itself or its .pub file, and names a path that is neither")
    func keyOrFile() throws {
        let directory = try temporaryDirectory()
        #expect(try CurveKeyFile.keyOrFile(Self.manualPublic).z85 == Self.manualPublic)
        try (Self.manualPublic + "\n").write(toFile: directory + "/host.pub", atomically: true, encoding: .utf8)
        #expect(try CurveKeyFile.keyOrFile(directory + "/host.pub").z85 == Self.manualPublic)
        #expect(
            throws: CurveKeyError("'\(directory)/nope.pub' is neither a 40-character Z85 key nor an existing key file")
        ) {
            try CurveKeyFile.keyOrFile(directory + "/nope.pub")
        }
    }

    @Test("a CURVE DEALER with the server's public key exchanges messages with a CURVE ROUTER over TCP")
    func curveRoundTrip() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let router = try ZMQSocket(context: context, kind: .router)
        try router.setCurveServer(secretKey: server.secretKey, zapDomain: "test")
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        try dealer.setCurveClient(serverKey: server.publicKey, keys: CurveKeyPair.generate())
        try dealer.connect(try router.lastEndpoint())

        try dealer.send([Array("lap 12".utf8)])
        let received = try #require(try ZMQTestSupport.receive(router))
        #expect(received.count == 2 && received[1] == Array("lap 12".utf8))
        try router.send([received[0], Array("ack".utf8)])
        #expect(try ZMQTestSupport.receive(dealer) == [Array("ack".utf8)])
        dealer.close()
        router.close()
    }

    @Test("a CURVE option on a closed socket fails naming the option")
    func optionNamedInError() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        socket.close()
        let error = try #require(throws: ZMQError.self) {
            try socket.setCurveClient(serverKey: CurveKey(z85: Self.manualPublic), keys: CurveKeyPair.generate())
        }
        #expect(error.operation == "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)")
    }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "roadsense-curve-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
