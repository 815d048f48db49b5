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

    /// Longest first example kept: row, field and detail, with room for an `excerptLimit` value.
    static let exampleLimit = 2 * TRDError.excerptLimit + 40

    /// Records one bad or repaired row. `row` is the 1-based file line number (header = line 1);
    /// `detail` (e.g. `'abc' is not a number`) goes into the first example instead of the reason.
    /// The example is made printable (control characters escaped, length capped).
    public func record(file: String, kind: String, reason: String, row: Int, field: String?, detail: String? = nil) {
        let key = Key(file: file, kind: kind, reason: reason)
        lock.lock()
        defer { lock.unlock() }
        tallies[key, default: 0] += 1
        if examples[key] == nil {
            var example = "row \(row)"
            if let field { example += " field \(field)" }
            example += ": \(detail ?? reason)"
            examples[key] = TRDError.printable(example, limit: Self.exampleLimit)
        }
    }

    /// Aggregated counts with the first example of each, sorted by file, kind, then reason.
    public var counts: [BadRowCount] {
        lock.lock()
        defer { lock.unlock() }
        return tallies.map { key, count in
            BadRowCount(file: key.file, kind: key.kind, reason: key.reason, count: count, example: examples[key])
        }
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
