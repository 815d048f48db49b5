import Foundation

/// Counts rejected and repaired rows per (file, kind, reason), keeping the first example of each.
///
/// Thread-safe: every access takes one lock, so readers on several threads may share a ledger.
/// Bad rows are never fatal; a repaired row (e.g. lap 32768 kept as lap 0) is counted under its
/// own reason too.
public final class RowIssueLedger: @unchecked Sendable {
    private struct Key: Hashable {
        var file: String
        var kind: String
        var reason: String
    }

    private let lock = NSLock()
    private var tallies: [Key: Int] = [:]
    private var examples: [Key: String] = [:]

    public init() {}

    /// Records one bad or repaired row. `row` is the 1-based file line number (header = line 1);
    /// `detail` (e.g. `'abc' is not a number`) goes into the first example instead of the reason.
    public func record(file: String, kind: String, reason: String, row: Int, field: String?, detail: String? = nil) {
        let key = Key(file: file, kind: kind, reason: reason)
        lock.lock()
        defer { lock.unlock() }
        tallies[key, default: 0] += 1
        if examples[key] == nil {
            var example = "row \(row)"
            if let field { example += " field \(field)" }
            example += ": \(detail ?? reason)"
            examples[key] = example
        }
    }

    /// Aggregated counts, sorted by file, kind, then reason.
    public var counts: [BadRowCount] {
        lock.lock()
        defer { lock.unlock() }
        return tallies.map { BadRowCount(file: $0.key.file, kind: $0.key.kind, reason: $0.key.reason, count: $0.value) }
            .sorted { ($0.file, $0.kind, $0.reason) < ($1.file, $1.kind, $1.reason) }
    }

    /// All rows recorded, over every file and reason.
    public var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return tallies.values.reduce(0, +)
    }

    /// How many rows were recorded for one reason (any file when `file` is nil).
    public func count(reason: String, file: String? = nil) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return tallies.filter { $0.key.reason == reason && (file == nil || $0.key.file == file) }.values.reduce(0, +)
    }

    /// The first row recorded for this key, e.g. `row 2318 field telemetry_value: 'abc' is not a number`.
    public func firstExample(file: String, kind: String, reason: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return examples[Key(file: file, kind: kind, reason: reason)]
    }
}
