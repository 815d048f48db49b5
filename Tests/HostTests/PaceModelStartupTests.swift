import Foundation
import RaceDomain
import Testing

/// The strategy and simulation plugins load their pace model at start: a missing or bad file stops the process at
/// once with an error naming the file and what is wrong with it (before it connects to any host).
@Suite("Pace model at plugin start")
struct PaceModelStartupTests {
    static func start(_ plugin: String, model: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent(plugin)
        let runtime = try TestPaths.temporaryDirectory("model-start")
        process.arguments = [
            "--connect", "ipc://\(runtime.path)/none.ipc", "--store", "sqlite:\(runtime.path)/s.sqlite", "--set",
            "model=\(model)",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    @Test(
        "a missing model file: exit 1, the error names the file and how to make one",
        arguments: [
            "roadsense-strategy", "roadsense-simulation",
        ])
    func missingFile(plugin: String) throws {
        let run = try Self.start(plugin, model: "/nonexistent/pace.json")
        #expect(run.status == 1)
        #expect(run.stderr.contains("--set model=/nonexistent/pace.json"), "\(run.stderr)")
        #expect(run.stderr.contains("pace model file not found") && run.stderr.contains("roadsense train"))
    }

    @Test("a file that is not a model, or of another format version: the error names the file and the problem")
    func badFile() throws {
        let junk = try TestPaths.temporaryDirectory("model-junk").appendingPathComponent("junk.json")
        try Data(#"{"name": "something else"}"#.utf8).write(to: junk)
        let notModel = try Self.start("roadsense-strategy", model: junk.path)
        #expect(notModel.status == 1 && notModel.stderr.contains(junk.path), "\(notModel.stderr)")
        #expect(notModel.stderr.contains("not a pace-rls model file"))

        let old = junk.deletingLastPathComponent().appendingPathComponent("v1.json")
        let text = try String(contentsOf: TestPaths.shippedModel, encoding: .utf8)
            .replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 1")
        try Data(text.utf8).write(to: old)
        let oldVersion = try Self.start("roadsense-strategy", model: old.path)
        #expect(oldVersion.status == 1 && oldVersion.stderr.contains(old.path), "\(oldVersion.stderr)")
        #expect(oldVersion.stderr.contains("model format version 1, this build reads 2"))
    }
}
