/// Walks command-line arguments; errors are usage errors that name the option.
struct ArgumentCursor {
    private var remaining: ArraySlice<String>

    init(_ arguments: [String]) { remaining = arguments[...] }

    mutating func next() -> String? { remaining.popFirst() }

    mutating func value(for option: String) throws -> String {
        guard let value = remaining.popFirst(), !value.hasPrefix("--") || value == "-" else {
            throw HostError(.usage, "\(option) needs a value")
        }
        return value
    }

    mutating func number(for option: String, minimum: Double) throws -> Double {
        let text = try value(for: option)
        guard let number = Double(text), number >= minimum, number.isFinite else {
            throw HostError(.usage, "\(option) must be a number ≥ \(minimum), got '\(text)'")
        }
        return number
    }
}
