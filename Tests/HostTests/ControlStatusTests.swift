import Foundation
import Testing

@Suite("ctl status over the control socket", .serialized)
struct ControlStatusTests {
    func ctlStatus(runtime: String) throws -> (status: Int32, json: [String: Any]?) {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["ctl", "status", "--json", "--runtime-dir", runtime]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, try? JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a running host reports its plugin processes, workers, queue and store")
    func reportsRunningHost() throws {
        let harness = try HostHarness(replicas: 2)
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in harness.pluginPIDs().count == 2 })
        // Wait until both workers have registered, as status reports them.
        var json: [String: Any]?
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            json = try ctlStatus(runtime: harness.runtime).json
            if (json?["workers"] as? [Any])?.count == 2 { break }
            usleep(100_000)
        }
        let status = try #require(json)
        let replicas = try #require(status["replicas"] as? [[String: Any]])
        #expect(replicas.count == 2)
        #expect(replicas.allSatisfy { $0["state"] as? String == "running" })
        let pids = Set(replicas.compactMap { ($0["pid"] as? NSNumber)?.int32Value })
        #expect(pids == Set(harness.pluginPIDs()))
        #expect((status["workers"] as? [Any])?.count == 2)
        #expect(status["store"] as? String == "sqlite:\(harness.storePath)")
        #expect((status["queue"] as? [String: Any])?["in_flight"] as? Int == 0)
        harness.stop()
    }

    @Test("with no host running, ctl status says so and exits non-zero")
    func noHost() throws {
        let runtime = try TestPaths.temporaryDirectory("nohost").path
        let result = try ctlStatus(runtime: runtime)
        #expect(result.status != 0)
        #expect(result.json == nil)
    }
}
