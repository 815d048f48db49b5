/// A JSON document as the protobuf JSON mapping needs it: numbers keep their literal text (so a 64-bit
/// integer or an out-of-range value is judged exactly, not after a trip through `Double`) and object members
/// keep their order and duplicates (so a field given twice can be refused).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written (valid JSON number grammar), e.g. `-12`, `1.5e3`, `18446744073709551615`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Parses one JSON document (RFC 8259; whitespace around it allowed, nothing else after it).
    /// - Throws: ``WireError`` `.badJSON` naming the line, column and byte offset and what was expected there.
    public static func parse(_ text: String) throws -> JSONValue {
        var parser = JSONTextParser(Array(text.utf8))
        return try parser.document()
    }

    /// How an error message shows this value: strings quoted (cut at 40 characters), numbers and literals as
    /// written, containers by kind.
    var snippet: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let literal): literal
        case .string(let text): JSONValue.quoted(text.count > 40 ? String(text.prefix(40)) + "…" : text)
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The JSON text of this value: compact on one line, or indented by two spaces a level.
    public func rendered(pretty: Bool = false) -> String {
        var output = ""
        render(into: &output, pretty: pretty, indent: 0)
        return output
    }

    private func render(into output: inout String, pretty: Bool, indent: Int) {
        let inner = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        let closing = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        switch self {
        case .null, .bool, .number: output += snippet
        case .string(let text): output += JSONValue.quoted(text)
        case .array(let items):
            guard !items.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (index, item) in items.enumerated() {
                output += (index > 0 ? "," : "") + inner
                item.render(into: &output, pretty: pretty, indent: indent + 1)
            }
            output += closing + "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (index, member) in members.enumerated() {
                output += (index > 0 ? "," : "") + inner + JSONValue.quoted(member.key) + (pretty ? ": " : ":")
                member.value.render(into: &output, pretty: pretty, indent: indent + 1)
            }
            output += closing + "}"
        }
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Whether `text` is exactly one JSON number (what a quoted number must look like to be read as one).
    static func isNumberLiteral(_ text: String) -> Bool {
        var parser = JSONTextParser(Array(text.utf8))
        guard let literal = try? parser.numberLiteral() else { return false }
        return literal.utf8.count == text.utf8.count
    }
}
