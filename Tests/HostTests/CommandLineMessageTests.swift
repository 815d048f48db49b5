import Foundation
import Testing

@testable import RoadSenseHost

/// What the real `roadsense` binary says to an operator who got something wrong: the exit status (2 for
/// something to fix) and a message naming the file, field, option or directory and what is expected.
@Suite("Command-line messages")
struct CommandLineMessageTests {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func roadsense(_ arguments: [String], in directory: URL? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let ctlSubcommands = [
        "status", "schedule", "scale", "restart", "drain", "resume", "reload", "calls", "dead-letter", "alerts", "ack",
    ]

    @Test("ctl without a subcommand, or with an unknown one, lists every subcommand")
    func ctlListsEverySubcommand() throws {
        for words in [["ctl"], ["ctl", "bogus"]] {
            let outcome = try Self.roadsense(words)
            #expect(outcome.status == 2)
            for subcommand in Self.ctlSubcommands {
                #expect(outcome.stderr.contains(subcommand), "\(words): \(subcommand)")
            }
        }
        #expect(try Self.roadsense(["ctl", "bogus"]).stderr.contains("unknown ctl subcommand 'bogus'"))
    }

    @Test("ctl with nobody answering names the endpoint, or says no host runs on the runtime directory")
    func ctlWithoutHost() throws {
        let endpoint = try Self.roadsense(["ctl", "status", "--endpoint", "tcp://127.0.0.1:1"])
        #expect(endpoint.status == 2)
        #expect(endpoint.stderr.contains("no host answered on tcp://127.0.0.1:1"))
        #expect(endpoint.stderr.contains("--endpoint") && !endpoint.stderr.contains("--runtime-dir"))
        let runtime = try TestPaths.temporaryDirectory("ctl-nohost").path
        let empty = try Self.roadsense(["ctl", "status", "--runtime-dir", runtime])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no host is running with --runtime-dir \(runtime)"), "\(empty.stderr)")
    }

    @Test("an --endpoint that is not ipc:// or tcp:// is refused with what is expected, exit 2")
    func badEndpoint() throws {
        for words in [["watch", "--endpoint", "garbage"], ["ctl", "status", "--endpoint", "garbage"]] {
            let outcome = try Self.roadsense(words)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("'garbage' is not an endpoint: expected ipc://PATH"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("errno"))
        }
    }

    @Test("watch on a runtime directory with no host says so, keeps waiting, and stops on Ctrl-C with 0")
    func watchWithoutHost() throws {
        let runtime = try TestPaths.temporaryDirectory("watch-nohost").path
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["watch", "--runtime-dir", runtime]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // The hint comes once its Ctrl-C handling is in place; read until it arrives.
        var text = ""
        while !text.contains("waiting for one to start there") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.contains("no host is running on \(runtime)"), "\(text)")
        #expect(text.contains("roadsense run --runtime-dir \(runtime)"))
        #expect(process.isRunning, "it should keep waiting for a host")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test("bench ingest --source and train -o name the missing file or directory, exit 2")
    func missingPaths() throws {
        let source = try Self.roadsense(["bench", "ingest", "--source", "/nonexistent-roadsense/t.csv"])
        #expect(source.status == 2)
        #expect(source.stderr.contains("--source /nonexistent-roadsense/t.csv: no such file"), "\(source.stderr)")
        #expect(!source.stderr.contains("NSCocoaErrorDomain"))
        let train = try Self.roadsense(["train", TestPaths.excerpt.path, "-o", "/nonexistent-roadsense/d/m.json"])
        #expect(train.status == 2)
        #expect(train.stderr.contains("the directory /nonexistent-roadsense/d does not exist"), "\(train.stderr)")
    }

    @Test("run refuses a SQLite store in a directory that does not exist, and creates nothing")
    func storeDirectoryMustExist() throws {
        let base = try TestPaths.temporaryDirectory("store-dir")
        let missing = base.appendingPathComponent("missing/sub")
        let outcome = try Self.roadsense([
            "run", "--store", "sqlite:\(missing.path)/x.sqlite", "--runtime-dir",
            base.appendingPathComponent("run").path,
        ])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("the directory \(missing.path) does not exist"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("mkdir -p \(missing.path)"))
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("missing").path))
    }

    @Test("a bad configuration file is named with the line and column, the field, or the file's own item number")
    func configurationErrors() throws {
        let directory = try TestPaths.temporaryDirectory("config-errors")
        func refusal(_ text: String) throws -> String {
            let file = directory.appendingPathComponent("c-\(UInt32.random(in: 0...UInt32.max)).json")
            try Data(text.utf8).write(to: file)
            let outcome = try Self.roadsense(["run", "--config", file.path])
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains(file.path), "\(outcome.stderr)")
            return outcome.stderr
        }
        #expect(try refusal("{ \"liveness\": 3,\n  x }").contains("not valid JSON at line 2, column 3"))
        #expect(try refusal("[]").contains("the top level must be one JSON object"))
        #expect(try refusal(#"{"liveness": "3"}"#).contains("field liveness: expected a whole number, found a string"))
        // The second item of the file is the bad one, whatever its place among the built-in entries.
        let item = try refusal(
            #"{"schedule": [{"name": "update-weather-data", "everySeconds": 60}, {"name": "x", "method": "a.B", "everySeconds": 5}]}"#
        )
        #expect(item.contains("field schedule.1 (x).method: no plugin in `plugins` serves a.B"), "\(item)")
    }

    @Test("integer options take whole numbers and print whole-number ranges")
    func integerOptions() throws {
        let attempts = try Self.roadsense(["submit", "bench.Noop", "--attempts", "2.5"])
        #expect(attempts.status == 2)
        #expect(attempts.stderr.contains("--attempts must be a whole number from 1 to 100, got '2.5'"))
        let credits = try Self.roadsense(["bench", "dispatch", "--credits", "0"])
        #expect(credits.stderr.contains("--credits must be a whole number from 1 to 1024"), "\(credits.stderr)")
        let speed = try Self.roadsense(["run", "--replay", "x", "--speed", "0"])
        #expect(speed.stderr.contains("--speed must be a number from 0.01 to 100000, got '0'"), "\(speed.stderr)")
    }

    @Test("help COMMAND prints that command's part of the help; an unknown one is refused")
    func helpForOneCommand() throws {
        let ctl = try Self.roadsense(["help", "ctl"])
        #expect(ctl.status == 0)
        let synopses = ctl.stdout.split(separator: "\n").filter { $0.hasPrefix("  roadsense ") }
        #expect(!synopses.isEmpty && synopses.allSatisfy { $0.hasPrefix("  roadsense ctl ") })
        for subcommand in Self.ctlSubcommands { #expect(ctl.stdout.contains(subcommand)) }
        #expect(!ctl.stdout.contains("roadsense run"))
        let unknown = try Self.roadsense(["help", "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no command 'nope'"))
    }

    /// Each `roadsense …` synopsis (with its `[…]` continuation lines), whitespace collapsed.
    static func synopses(_ lines: [Substring]) -> [String] {
        var result: [String] = []
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("roadsense ") {
                result.append(trimmed)
            } else if trimmed.hasPrefix("["), !result.isEmpty {
                result[result.count - 1] += " " + trimmed
            }
        }
        return result.map { $0.split(separator: " ").joined(separator: " ") }
    }

    @Test("the README's command line and `roadsense help` show the same commands and options")
    func readmeAgreesWithHelp() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Command line\n\n```\n"))
        let block = readme[section.upperBound...].prefix { _ in true }
        let end = try #require(block.range(of: "\n```"))
        let documented = Self.synopses(block[..<end.lowerBound].split(separator: "\n"))
        let help = Self.synopses(
            RoadSenseCommand.usage.split(separator: "\n").filter {
                $0.hasPrefix("  roadsense ") || $0.hasPrefix("    ")
            })
        #expect(documented.count > 20)
        #expect(
            documented == help,
            "README: \(Set(documented).subtracting(help)) help: \(Set(help).subtracting(documented))")
    }
}
