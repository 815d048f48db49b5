/// The recursive-descent reader behind ``JSONValue/parse(_:)``, over UTF-8 bytes.
struct JSONTextParser {
    private let bytes: [UInt8]
    private var position = 0
    /// Nesting deeper than this is refused rather than risking the stack.
    private static let maximumDepth = 200

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws -> JSONValue {
        let value = try self.value(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw failure("nothing after the JSON value") }
        return value
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard position < bytes.count else { throw failure("a value, found the end of the text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return .number(try numberLiteral())
        }
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        position += 1
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("a member name in double quotes")
            }
            let key = try string()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw failure("':' after member name \"\(key)\"") }
            members.append(JSONValue.Member(key, try value(depth: depth + 1)))
            skipWhitespace()
            if peek(UInt8(ascii: "}")) { return .object(members) }
            guard peek(UInt8(ascii: ",")) else { throw failure("',' or '}' in an object") }
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { return .array(items) }
            guard peek(UInt8(ascii: ",")) else { throw failure("',' or ']' in an array") }
        }
    }

    private mutating func string() throws -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []  // unescaped UTF-8 bytes not yet decoded
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                scalars.append(try escape())
            case 0..<0x20:
                position -= 1
                throw failure("no raw control characters inside a string (write \\n, \\t, \\u00XX)")
            default: run.append(byte)
            }
        }
        throw failure("a closing '\"' before the end of the text")
    }

    private mutating func escape() throws -> Unicode.Scalar {
        guard position < bytes.count else { throw failure("an escape after '\\'") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            // A UTF-16 surrogate pair arrives as two escapes; a lone surrogate becomes U+FFFD.
            if (0xD800..<0xDC00).contains(unit), bytes[position...].starts(with: Array("\\u".utf8)) {
                let saved = position
                position += 2
                let low = try hexUnit()
                if (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                position = saved
            }
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        default:
            position -= 1
            throw failure("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    private mutating func hexUnit() throws -> UInt32 {
        guard position + 4 <= bytes.count,
            let unit = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw failure("four hex digits after \\u") }
        position += 4
        return unit
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    mutating func numberLiteral() throws -> String {
        let start = position
        _ = peek(UInt8(ascii: "-"))
        if !peek(UInt8(ascii: "0")) && digits() == 0 {
            throw failure("a value (object, array, string, number, true, false or null)")
        }
        if peek(UInt8(ascii: ".")), digits() == 0 { throw failure("digits after the decimal point") }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            if !peek(UInt8(ascii: "+")) { _ = peek(UInt8(ascii: "-")) }
            if digits() == 0 { throw failure("digits in the exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            position += 1
        }
        return position - start
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
        guard bytes[position...].starts(with: Array(word.utf8)) else {
            throw failure("a value (object, array, string, number, true, false or null)")
        }
        position += word.utf8.count
        return value
    }

    /// Consumes `byte` when it is next.
    private mutating func peek(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    /// Names where the text went wrong as a person finds it in an editor (line and column, 1-based, the column
    /// in bytes) and as a program does (the byte offset).
    private func failure(_ expected: String) -> WireError {
        let found = position < bytes.count ? "'\(Unicode.Scalar(bytes[position]))'" : "the end"
        let before = bytes[..<min(position, bytes.count)]
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let column = position - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        return WireError(
            .badJSON,
            "not valid JSON at line \(line), column \(column) (byte \(position), found \(found)): expected \(expected)",
            messageType: "JSON")
    }
}
