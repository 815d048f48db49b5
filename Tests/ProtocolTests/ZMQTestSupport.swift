import Foundation
import RoadSenseProtocol

/// Helpers for tests that drive sockets on the test's own thread: bounded waits instead of sleeps.
enum ZMQTestSupport {
    /// Generous bound for anything that should take microseconds; only reached when a test is failing.
    static let patienceMs = 5_000

    /// A fresh endpoint of the given transport; ipc paths are unique per call.
    static func endpoint(_ transport: String) -> String {
        let unique = UUID().uuidString.prefix(13)
        switch transport {
        case "ipc": return "ipc:///tmp/roadsense-test-\(getpid())-\(unique).sock"
        default: return "inproc://roadsense-test-\(unique)"
        }
    }

    /// Removes the socket file an ipc bind left behind (libzmq does not unlink it on close).
    static func removeFile(of endpoint: String) {
        guard endpoint.hasPrefix("ipc://") else { return }
        unlink(String(endpoint.dropFirst("ipc://".count)))
    }

    /// Waits (by polling, up to `timeoutMs`) for one message; nil on timeout.
    static func receive(_ socket: ZMQSocket, timeoutMs: Int = patienceMs) throws -> [[UInt8]]? {
        let ready = try ZMQPoller.poll(sockets: [socket], timeoutMs: timeoutMs)
        guard ready.sockets == [true] else { return nil }
        return try socket.receive(dontWait: true)
    }

    /// Runs `body` on a new OS thread (never the cooperative pool) and returns a semaphore signalled at its end.
    static func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.start()
        return done
    }
}
