import CProtobufC
import Glibc

/// Owns every C allocation made while building one protobuf-c struct tree for packing.
///
/// Strings, arrays and submessages are carved out of one region that grows by whole blocks (a host/plugin
/// message costs one `malloc` instead of one per string and struct); ``with(_:)`` frees it all once the body
/// returns, so nothing built here may be kept beyond it.
final class WireArena {
    /// The first block; a bigger tree chains more blocks (each at least twice the previous).
    static let firstBlockBytes = 1024
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var left = 0
    private var nextBlockBytes = WireArena.firstBlockBytes

    private init() {}

    /// Runs `body` with a fresh arena and frees everything it allocated afterwards.
    static func with<Result>(_ body: (WireArena) throws -> Result) rethrows -> Result {
        let arena = WireArena()
        defer { arena.releaseAll() }
        return try body(arena)
    }

    /// A C copy of `string`. An embedded NUL ends the string on the wire (protobuf-c uses `char *`).
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let copy = allocate(CChar.self, count: utf8.count + 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: utf8.count)
            }
            copy[utf8.count] = 0
            return copy
        }
    }

    func strings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard !strings.isEmpty else { return nil }
        let array = allocate(UnsafeMutablePointer<CChar>?.self, count: strings.count)
        for (index, string) in strings.enumerated() {
            (array + index).initialize(to: self.string(string))
        }
        return array
    }

    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let copy = allocate(UInt8.self, count: bytes.count)
        copy.initialize(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: copy)
    }

    /// A C copy of a repeated int32 field (nil when empty).
    func int32s(_ values: [Int32]) -> UnsafeMutablePointer<Int32>? {
        guard !values.isEmpty else { return nil }
        let copy = allocate(Int32.self, count: values.count)
        copy.initialize(from: values, count: values.count)
        return copy
    }

    /// A filled C struct for one submessage.
    func message<Message: CWireMessage>(_ value: Message) -> UnsafeMutablePointer<Message.CMessage> {
        let message = allocate(Message.CMessage.self, count: 1)
        fill(message, with: value)
        return message
    }

    /// A C array of pointers to filled structs, for a repeated message field (nil when empty).
    /// The structs share one allocation so a 10k-sample batch costs two allocations plus its strings.
    func messages<Message: CWireMessage>(
        _ values: [Message]
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Message.CMessage>?>? {
        guard !values.isEmpty else { return nil }
        let structs = allocate(Message.CMessage.self, count: values.count)
        let pointers = allocate(UnsafeMutablePointer<Message.CMessage>?.self, count: values.count)
        for (index, value) in values.enumerated() {
            fill(structs + index, with: value)
            (pointers + index).initialize(to: structs + index)
        }
        return pointers
    }

    private func fill<Message: CWireMessage>(_ message: UnsafeMutablePointer<Message.CMessage>, with value: Message) {
        Message.wireCodec.initialize(message)
        value.fill(&message.pointee, in: self)
    }

    /// Uninitialized, suitably aligned room for `count` elements, valid until the arena is released.
    private func allocate<Element>(_ type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        let alignment = max(MemoryLayout<Element>.alignment, 1)
        let size = MemoryLayout<Element>.stride * count
        if let cursor {
            let padding = (alignment - Int(bitPattern: cursor) % alignment) % alignment
            if padding + size <= left {
                let start = cursor + padding
                self.cursor = start + size
                left -= padding + size
                return start.bindMemory(to: Element.self, capacity: count)
            }
        }
        // A new block (malloc's alignment covers every C type protobuf-c uses).
        let blockSize = max(nextBlockBytes, size)
        nextBlockBytes = min(nextBlockBytes * 2, 1 << 20)
        guard let block = malloc(max(blockSize, 1)) else { fatalError("malloc: out of memory") }
        blocks.append(block)
        cursor = block + size
        left = blockSize - size
        return block.bindMemory(to: Element.self, capacity: count)
    }

    private func releaseAll() {
        for block in blocks { free(block) }
        blocks.removeAll()
        cursor = nil
        left = 0
    }
}
