import Foundation

/// Items handed from one thread to another: producers `append`, the consumer's loop `takeAll`.
/// (Replies from a plugin's work thread to its socket thread; calls submitted to the host loop.)
public final class LockedQueue<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []

    public init() {}

    /// Returns whether the queue was empty: only then does the consumer need waking (it takes everything
    /// that is there at once, so a queue that already held items has a wake-up on its way).
    @discardableResult
    public func append(_ item: Item) -> Bool {
        lock.lock()
        let wasEmpty = items.isEmpty
        items.append(item)
        lock.unlock()
        return wasEmpty
    }

    public func takeAll() -> [Item] {
        lock.lock()
        defer { lock.unlock() }
        guard !items.isEmpty else { return [] }
        let taken = items
        items.removeAll()
        return taken
    }
}
