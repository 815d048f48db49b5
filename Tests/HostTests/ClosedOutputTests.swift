import Foundation
import RoadSenseProtocol
import Testing

/// A reader that goes away (`roadsense report --json | head -c 100`, quitting `less` during `run --watch`,
/// `run … 2>&1 >/dev/null | head -1`) must not crash the command: it stops writing and ends normally.
@Suite("Closed standard output and standard error")
struct ClosedOutputTests {
    @Test("report --json into a pipe closed after its first bytes exits 0 without a crash")
    func reportIntoClosedPipe() throws {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["report", TestPaths.excerpt.path, "--json"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        // Close the reading end at once: every write to standard output fails with EPIPE.
        try output.fileHandleForReading.close()
        try process.run()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit, "\(stderr)")
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(!stderr.contains("Fatal error"), "\(stderr)")
    }

    @Test("a replay whose standard error is a closed pipe runs the race to the end and exits 0")
    func replayWithClosedStandardError() throws {
        let work = try TestPaths.temporaryDirectory("closed-stderr")
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = [
            "run", "--replay", TestPaths.excerpt.path, "--speed", "300", "--log-level", "info",
            "--store", "sqlite:\(work.appendingPathComponent("store.sqlite").path)",
            "--runtime-dir", work.appendingPathComponent("run").path,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        // Every log line the host writes (it logs at info from its first instant) now fails with EPIPE.
        try errors.fileHandleForReading.close()
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 180, execute: watchdog)
        defer { watchdog.cancel() }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 0)
    }

    @Test("a plugin whose standard error is a closed pipe logs nothing, serves and stops on Goodbye with 0")
    func pluginWithClosedStandardError() throws {
        let work = try TestPaths.temporaryDirectory("closed-stderr-plugin")
        let endpoint = "ipc://\(work.path)/plugins.ipc"
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        defer {
            router.close()
            context.terminate()
        }
        try router.setReceiveTimeout(ms: 20_000)
        try router.bind(endpoint)

        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense-bench")
        process.arguments = ["--connect", endpoint, "--log-level", "debug"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try errors.fileHandleForReading.close()
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Its Hello comes right before its "connected to host" line; a Goodbye makes it log two more.
        let hello = try #require(try router.receive(), "the plugin never said Hello")
        guard case .hello = try PeerFrames.decode(Array(hello.dropFirst())) else {
            Issue.record("first message was not Hello")
            return
        }
        _ = try router.send([hello[0]] + PeerFrames.encode(.goodbye(Goodbye(reason: "test over"))))
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 0)
    }
}
