import Foundation

/// Items handed from one thread to another: producers `append`, the consumer's loop `takeAll`.
/// (Replies from a plugin's work thread to its socket thread; calls submitted to the host loop.)
public final class LockedQueue<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []

    public init() {}

    public func append(_ item: Item) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    public func takeAll() -> [Item] {
        lock.lock()
        defer { lock.unlock() }
        let taken = items
        items.removeAll()
        return taken
    }
}
