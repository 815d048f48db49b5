/// Walks command-line arguments; errors are usage errors that name the option.
struct ArgumentCursor {
    private var remaining: ArraySlice<String>

    init(_ arguments: [String]) { remaining = arguments[...] }

    mutating func next() -> String? { remaining.popFirst() }

    /// Everything not consumed yet.
    mutating func rest() -> [String] {
        defer { remaining = [] }
        return Array(remaining)
    }

    mutating func value(for option: String) throws -> String {
        guard let value = remaining.popFirst(), !value.hasPrefix("--") || value == "-" else {
            throw HostError(.usage, "\(option) needs a value")
        }
        return value
    }

    /// A decimal number (`--speed 2.5`, `--deadline 0.5`) in `minimum…maximum`.
    mutating func number(for option: String, minimum: Double, maximum: Double = 1e9) throws -> Double {
        let text = try value(for: option)
        guard let number = Double(text), number.isFinite, number >= minimum, number <= maximum else {
            throw HostError(
                .usage,
                "\(option) must be a number from \(Self.plain(minimum)) to \(Self.plain(maximum)), got '\(text)'")
        }
        return number
    }

    /// `1000000000` rather than `1000000000.0` or `1e+09`; `0.01` as written.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    mutating func integer(for option: String, in range: ClosedRange<Int>) throws -> Int {
        let text = try value(for: option)
        guard let number = Int(text), range.contains(number) else {
            throw HostError(
                .usage,
                "\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// The next argument if it is a value (not an option), consumed; nil otherwise.
    mutating func optionalValue() -> String? {
        guard let next = remaining.first, !next.hasPrefix("--") else { return nil }
        return remaining.popFirst()
    }
}
