import Foundation
import Testing

@testable import RoadSenseStore

/// Several real `roadsense bench store-writer` processes on one store at once (see StoreWriter.swift).
@Suite("Store concurrency")
struct StoreConcurrencyTests {
    static let writers = 4
    static let framesPerWriter = 4000
    static let callsPerWriter = 20
    static let openCalls = 200

    @Test(
        "four writer processes at once: every frame stored once, every open call claimed exactly once, no lock errors",
        arguments: StoreKind.available)
    func writersAtOnce(kind: StoreKind) throws {
        let location = try StoreKit.freshLocation(kind, name: "writers")
        defer { StoreKit.dispose(location) }
        let store = try openStore(location)
        for index in 0..<Self.openCalls {
            try store.recordCall(
                CallRecord(
                    callID: "open-\(index)", method: "bench.Sleep", priority: 2, attempt: 1, state: .queued,
                    enqueuedMs: Int64(index), entry: CallRecord.submitEntry))
        }

        // Start every writer before waiting for any, so they overlap.
        let processes = try (0..<Self.writers).map { writer in
            try WriterProcess(
                arguments: [
                    "bench", "store-writer", "--store", location.url, "--writer", String(writer), "--frames",
                    String(Self.framesPerWriter), "--batch", "200", "--calls", String(Self.callsPerWriter),
                ])
        }
        var claimed: [String] = []
        for process in processes {
            let (status, output, errors) = process.finish()
            #expect(status == 0, "writer failed: \(errors)")
            #expect(!errors.contains("locked") && !errors.contains("busy"), "\(errors)")
            let line = output.split(separator: "\n").last.map(String.init) ?? "{}"
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            claimed += json?["claimed"] as? [String] ?? []
        }

        // No row lost, none doubled.
        #expect(try store.count(.carFrames) == Self.writers * Self.framesPerWriter)
        for writer in 0..<Self.writers {
            let frames = try store.frames(vehicleID: "writer-\(writer)", fromMs: 0, toMs: Int64(Self.framesPerWriter))
            #expect(frames.map(\.timeMs) == (0..<Int64(Self.framesPerWriter)).map { $0 })
        }
        #expect(claimed.count == Self.openCalls)
        #expect(Set(claimed) == Set((0..<Self.openCalls).map { "open-\($0)" }))
        #expect(try store.count(.calls) == Self.openCalls + Self.writers * Self.callsPerWriter)
        #expect(try store.calls(state: .queued).allSatisfy { $0.owner != nil })
    }
}

/// One `roadsense` child process with its output captured; killed if it has not ended after two minutes
/// (a hang must fail the test, not stall the suite).
final class WriterProcess {
    let process = Process()
    let output = Pipe()
    let errors = Pipe()

    init(arguments: [String]) throws {
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    func finish() -> (status: Int32, output: String, errors: String) {
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
