import Foundation
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// Plugins on other machines: a host on loopback TCP with CURVE, workers started by hand (as an operator
/// would on another machine) with `--connect tcp://…` and their own keys, admitted or refused by the
/// host's ZAP handler.
@Suite("Remote workers over TCP with CURVE", .serialized)
struct RemoteWorkerTests {
    /// A key directory made with the real `roadsense keygen`: the host's pair, one allowed worker's pair
    /// (its `.pub` in `allowed/`) and a stranger's pair that is allowed nowhere.
    struct Keys {
        let directory: URL
        var allowed: String { directory.appendingPathComponent("allowed").path }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        init(in directory: URL) throws {
            self.directory = directory
            try FileManager.default.createDirectory(
                atPath: directory.appendingPathComponent("allowed").path,
                withIntermediateDirectories: true)
            for (name, out) in [("host", directory.path), ("stranger", directory.path)] {
                #expect(try RemoteWorkerTests.keygen(["--out", out, "--name", name]).status == 0)
            }
            #expect(try RemoteWorkerTests.keygen(["--out", allowed, "--name", "pit-laptop"]).status == 0)
        }

        func publicKey(_ path: String) throws -> String {
            try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func keygen(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(TestPaths.binaries.appendingPathComponent("roadsense"), ["keygen"] + arguments)
    }

    static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    /// A host whose bench plugin has no local replica: only a remote worker can serve its calls.
    func remoteHost(_ keys: Keys, directory: URL) throws -> HostHarness {
        try HostHarness(
            replicas: 0,
            settings: [
                "pluginEndpoint": "tcp://127.0.0.1:*", "curveSecretKeyFile": keys.path("host.key"),
                "curveAllowedKeysDir": keys.allowed,
            ])
    }

    /// The endpoint the host bound (it picks a free port for `tcp://127.0.0.1:*`), from its ready line.
    func boundEndpoint(_ harness: HostHarness) throws -> String {
        let line = try #require(harness.log.split(separator: "\n").first { $0.contains("host ready") })
        let field = try #require(line.split(separator: " ").first { $0.hasPrefix("plugins=tcp://") })
        return String(field.dropFirst("plugins=".count))
    }

    /// Starts `roadsense-bench` by hand, as on another machine, with its log in `log`.
    func remoteWorker(
        _ harness: HostHarness, endpoint: String, serverKey: String, secretKeyFile: String, log: URL
    ) throws -> Process {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense-bench")
        process.arguments = [
            "--connect", endpoint, "--server-key", serverKey, "--secret-key-file", secretKeyFile,
            "--store", "sqlite:\(harness.storePath)",
        ]
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func ctlStatus(_ harness: HostHarness) throws -> [String: Any] {
        let result = try Self.run(
            TestPaths.binaries.appendingPathComponent("roadsense"),
            ["ctl", "status", "--json", "--runtime-dir", harness.runtime])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    @Test("a worker on loopback TCP with an allowed key serves real calls; results are in the store")
    func allowedWorkerServes() throws {
        let directory = try TestPaths.temporaryDirectory("curve-allowed")
        let keys = try Keys(in: directory)
        let harness = try remoteHost(keys, directory: directory)
        let blobs = (0..<20).map { Array("lap-\($0)".utf8) }
        let ids = try blobs.flatMap { try harness.submit("bench.Sleep", BenchRequest(sleepMs: 1, blob: $0)) }
        try harness.start()
        let endpoint = try boundEndpoint(harness)
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))

        // The server key passed as its .pub file, the worker's own public half derived from its secret.
        let worker = try remoteWorker(
            harness, endpoint: endpoint, serverKey: keys.path("host.pub"),
            secretKeyFile: keys.allowed + "/pit-laptop.key", log: directory.appendingPathComponent("worker.log"))
        defer { stop(worker) }
        let done = try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count == 20 }
        #expect(done, "\(harness.log.suffix(3000))")

        // Every call ran on the remote worker and echoed its own request's blob.
        let store = try harness.store()
        for (id, blob) in zip(ids, blobs) {
            let call = try #require(try store.call(id: id))
            #expect(call.worker == "bench/\(worker.processIdentifier)")
            let result = try BenchResult(wire: try #require(call.result))
            #expect(result.pid == UInt32(worker.processIdentifier))
            #expect(result.blob == blob)
        }
        let pitLaptop = try keys.publicKey(keys.allowed + "/pit-laptop.pub")
        #expect(harness.log.contains("peer admitted"))
        #expect(harness.log.contains("peer.address=127.0.0.1"))
        #expect(harness.log.contains(pitLaptop) || harness.log.contains(Self.quoted(pitLaptop)))
        let security = try #require(try ctlStatus(harness)["security"] as? [String: Any])
        #expect(security["mechanism"] as? String == "CURVE")
        #expect(security["refused"] as? Int == 0)
        harness.stop()
    }

    @Test(
        "a worker with an unknown key is refused: no call reaches it, the log names its address and key, ctl counts it")
    func unknownKeyRefused() throws {
        let directory = try TestPaths.temporaryDirectory("curve-refused")
        let keys = try Keys(in: directory)
        let harness = try remoteHost(keys, directory: directory)
        let ids = try harness.submit("bench.Sleep", BenchRequest(sleepMs: 1), count: 5)
        try harness.start()
        let endpoint = try boundEndpoint(harness)
        let serverKey = try keys.publicKey(keys.path("host.pub"))

        // The stranger knows the host's key (it is public) but its own key is not allowed.
        let stranger = try remoteWorker(
            harness, endpoint: endpoint, serverKey: serverKey, secretKeyFile: keys.path("stranger.key"),
            log: directory.appendingPathComponent("stranger.log"))
        defer { stop(stranger) }
        let refusedLogged = try harness.wait(seconds: 30) { _ in harness.log.contains("peer refused") }
        #expect(refusedLogged, "\(harness.log.suffix(3000))")
        let line = try #require(harness.log.split(separator: "\n").first { $0.contains("peer refused") })
        let strangerKey = try keys.publicKey(keys.path("stranger.pub"))
        #expect(line.contains("peer.address=127.0.0.1"))
        #expect(line.contains(strangerKey) || line.contains(Self.quoted(strangerKey)))

        // Refused at the handshake: it never registered and every call is still queued.
        let status = try ctlStatus(harness)
        let security = try #require(status["security"] as? [String: Any])
        #expect((security["refused"] as? Int ?? 0) >= 1)
        #expect((status["workers"] as? [Any])?.isEmpty == true)
        let store = try harness.store()
        #expect(try ids.allSatisfy { try store.call(id: $0)?.state == .queued })
        #expect(!harness.log.contains("worker.pid=\(stranger.processIdentifier)"))

        // An allowed worker then takes them all; the stranger took none.
        let allowed = try remoteWorker(
            harness, endpoint: endpoint, serverKey: serverKey, secretKeyFile: keys.allowed + "/pit-laptop.key",
            log: directory.appendingPathComponent("worker.log"))
        defer { stop(allowed) }
        #expect(try harness.wait(seconds: 60) { try $0.calls(state: .succeeded).count == 5 })
        #expect(try ids.allSatisfy { try store.call(id: $0)?.worker == "bench/\(allowed.processIdentifier)" })
        harness.stop()
    }

    @Test("roadsense watch with an allowed key receives the updates of a CURVE PUB on TCP (the run's summary)")
    func watchOverCurve() throws {
        let directory = try TestPaths.temporaryDirectory("curve-watch")
        let keys = try Keys(in: directory)
        let harness = try HostHarness(
            replicas: 0,
            settings: [
                "publishEndpoint": "tcp://127.0.0.1:*", "curveSecretKeyFile": keys.path("host.key"),
                "curveAllowedKeysDir": keys.allowed,
            ])
        try harness.start()
        let line = try #require(harness.log.split(separator: "\n").first { $0.contains("host ready") })
        let field = try #require(line.split(separator: " ").first { $0.hasPrefix("updates=tcp://") })

        let watch = Process()
        watch.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        watch.arguments = [
            "watch", "--endpoint", String(field.dropFirst("updates=".count)), "--until-summary", "--server-key",
            keys.path("host.pub"), "--secret-key-file", keys.allowed + "/pit-laptop.key",
        ]
        let out = Pipe()
        watch.standardOutput = out
        watch.standardError = FileHandle.nullDevice
        try watch.run()
        // The summary is published when the host stops; stop it once the watcher's handshake was admitted.
        #expect(try harness.wait(seconds: 30) { _ in harness.log.contains("zap.domain=roadsense.updates") })
        harness.stop()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        watch.waitUntilExit()
        #expect(watch.terminationStatus == 0)
        #expect(output.contains("summary"), "\(output)")
    }

    @Test("a host on TCP with no CURVE keys configured refuses to start and says which key to set")
    func tcpWithoutKeysRefused() throws {
        let harness = try HostHarness(replicas: 0, settings: ["pluginEndpoint": "tcp://127.0.0.1:*"])
        let result = try Self.run(
            TestPaths.binaries.appendingPathComponent("roadsense"),
            [
                "run", "--config", harness.configPath, "--store", "sqlite:\(harness.storePath)", "--runtime-dir",
                harness.runtime,
            ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("curveSecretKeyFile"))
        #expect(result.stderr.contains("roadsense keygen"))
    }

    /// How the logfmt logger writes a value holding characters outside its plain set.
    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
