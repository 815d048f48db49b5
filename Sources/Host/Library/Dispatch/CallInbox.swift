import Foundation

/// Calls handed to the host loop by other threads of the same process.
final class CallInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [PendingCall] = []

    func append(_ call: PendingCall) {
        lock.lock()
        calls.append(call)
        lock.unlock()
    }

    func takeAll() -> [PendingCall] {
        lock.lock()
        defer { lock.unlock() }
        let taken = calls
        calls.removeAll()
        return taken
    }
}
