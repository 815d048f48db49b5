import CLibPQ
import Foundation

/// Statement parameters in the form `PQexecPrepared` takes: numbers and text in text format, byte
/// strings (BYTEA) in binary format, nil as SQL NULL.
struct PostgresParameters {
    private var encoded: [[UInt8]?] = []
    private var binary: [Bool] = []

    init(_ values: [StoreValue?]) {
        for value in values {
            switch value {
            case .none:
                encoded.append(nil)
                binary.append(false)
            case .integer(let v): appendText(String(v))
            case .real(let v): appendText(v.description)
            case .text(let v): appendText(v)
            case .blob(let v):
                encoded.append(v)
                binary.append(true)
            }
        }
    }

    /// A `text[]` literal for a `$n::text[]` parameter: `{"a","b"}`, a backslash before each `"` or `\` inside.
    static func textArray(_ strings: [String]) -> String {
        let elements = strings.map { string in
            "\"" + string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }

    private mutating func appendText(_ text: String) {
        encoded.append(Array(text.utf8) + [0])
        binary.append(false)
    }

    /// Calls `body` with the count, values, lengths and formats arrays, valid only inside it.
    func withArrays<T>(
        _ body: (
            Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) -> T
    ) -> T {
        let copies: [UnsafeMutablePointer<UInt8>?] = encoded.map { bytes in
            guard let bytes else { return nil }
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            copy.initialize(from: bytes, count: bytes.count)
            return copy
        }
        defer { for copy in copies { copy?.deallocate() } }
        let pointers: [UnsafePointer<CChar>?] = copies.map {
            $0.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
        }
        let lengths = encoded.map { Int32($0?.count ?? 0) }
        let formats = binary.map { Int32($0 ? 1 : 0) }
        return pointers.withUnsafeBufferPointer { p in
            lengths.withUnsafeBufferPointer { l in
                formats.withUnsafeBufferPointer { f in
                    body(Int32(encoded.count), p.baseAddress, l.baseAddress, f.baseAddress)
                }
            }
        }
    }
}

/// One row of a text-format result; valid only inside the `run` callback that received it.
struct PostgresRow: StoreRow {
    let result: OpaquePointer
    let row: Int32

    private func value(_ column: Int32) -> UnsafeMutablePointer<CChar>? {
        PQgetisnull(result, row, column) == 1 ? nil : PQgetvalue(result, row, column)
    }

    func string(_ column: Int32) -> String? { value(column).map { String(cString: $0) } }
    func int64(_ column: Int32) -> Int64? { value(column).map { Int64(strtoll($0, nil, 10)) } }
    func double(_ column: Int32) -> Double? { value(column).map { strtod($0, nil) } }
    func bool(_ column: Int32) -> Bool? { value(column).map { $0.pointee == CChar(UInt8(ascii: "t")) } }

    /// BYTEA arrives hex-escaped (`\x…`) in a text result; libpq decodes it.
    func blob(_ column: Int32) -> [UInt8]? {
        guard let text = value(column) else { return nil }
        var length = 0
        guard let bytes = text.withMemoryRebound(to: UInt8.self, capacity: 1, { PQunescapeBytea($0, &length) })
        else { return [] }
        defer { PQfreemem(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }
}
