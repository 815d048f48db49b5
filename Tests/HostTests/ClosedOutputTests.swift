import Foundation
import Testing

/// A reader that goes away (`roadsense report --json | head -c 100`, quitting `less` during `run --watch`)
/// must not crash the command: it stops writing and ends normally.
@Suite("Closed standard output")
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
}
