/// Key/value pairs carried by a ``Call`` or ``Reply`` (`repeated MetadataEntry`), in order, duplicates kept.
///
/// Write it as pairs, `[("entry", name), ("host", id)]`, or as a dictionary literal; the subscript reads
/// the last value for a key.
public struct CallMetadata: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public typealias Entry = (key: String, value: String)

    public private(set) var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    public init(arrayLiteral elements: (String, String)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    public var count: Int { entries.count }

    public var isEmpty: Bool { entries.isEmpty }

    /// The last value for `key`; setting replaces every entry of `key` by one at the end (nil removes them).
    public subscript(key: String) -> String? {
        get { entries.last { $0.key == key }?.value }
        set {
            entries.removeAll { $0.key == key }
            if let newValue { entries.append((key: key, value: newValue)) }
        }
    }

    public mutating func append(key: String, value: String) {
        entries.append((key: key, value: value))
    }

    /// One value per key, the last one sent winning.
    public var dictionary: [String: String] {
        Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    public static func == (lhs: CallMetadata, rhs: CallMetadata) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }
}
