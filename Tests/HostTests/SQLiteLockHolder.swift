import Foundation

/// Another process holding an exclusive transaction on a SQLite database (Python's own `sqlite3` module, so
/// the lock is SQLite's, taken the way any other writer would take it). Every write of the host waits for it
/// (`storeBusyTimeoutMs`) and then fails with SQLITE_BUSY, until `release()`.
final class SQLiteLockHolder {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    private static let script = """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        sys.stdin.readline()
        db.execute("ROLLBACK")
        db.close()
        """

    /// Returns once the lock is held.
    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            said.append(chunk)
        }
        guard String(decoding: said, as: UTF8.self).hasPrefix("locked") else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Rolls the transaction back and waits for the process to end.
    func release() {
        guard process.isRunning else { return }
        input.fileHandleForWriting.write(Data("\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// A test that stopped early: SIGKILL, which the child cannot have blocked (it inherits the signal mask of
    /// the thread that started it, and SIGTERM may be blocked there).
    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
