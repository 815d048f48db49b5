import Foundation

/// The hand-over queue of the wake-up pattern: producers append under an `NSLock`, the loop takes all.
final class LockedQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []

    func append(_ item: Int) {
        lock.withLock { items.append(item) }
    }

    func takeAll() -> [Int] {
        lock.withLock {
            defer { items.removeAll() }
            return items
        }
    }
}
