/// Reads what `SpoolEncoder` wrote; any read past the end, or a length that does not fit, is a `HostError` (`spool`).
struct SpoolDecoder {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8], from offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw HostError(
                .spool, "a spooled record ends early: wanted \(count) bytes at offset \(offset) of \(bytes.count)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func byte() throws -> UInt8 { try take(1).first! }

    mutating func int64() throws -> Int64 {
        try take(8).reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    mutating func int() throws -> Int { Int(try int64()) }

    mutating func data() throws -> [UInt8] {
        let count = try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Array(try take(Int(count)))
    }

    mutating func string() throws -> String { String(decoding: try data(), as: UTF8.self) }

    mutating func optional<T>(_ read: (inout SpoolDecoder) throws -> T) throws -> T? {
        switch try byte() {
        case 0: return nil
        case 1: return try read(&self)
        case let flag: throw HostError(.spool, "a spooled record has presence flag \(flag) at offset \(offset - 1)")
        }
    }

    mutating func strings() throws -> [String] {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else {
            throw HostError(.spool, "a spooled record claims \(count) strings at offset \(offset)")
        }
        return try (0..<count).map { _ in try string() }
    }
}
