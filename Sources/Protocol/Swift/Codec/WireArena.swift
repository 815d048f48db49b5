import CProtobufC
import Glibc

/// Owns every C allocation made while building one protobuf-c struct tree for packing.
///
/// Strings are `strdup`'d, arrays and submessages `malloc`'d; ``with(_:)`` frees them all once the body
/// returns, so nothing built here may be kept beyond it.
final class WireArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    private init() {}

    /// Runs `body` with a fresh arena and frees everything it allocated afterwards.
    static func with<Result>(_ body: (WireArena) throws -> Result) rethrows -> Result {
        let arena = WireArena()
        defer { arena.releaseAll() }
        return try body(arena)
    }

    /// A C copy of `string`. An embedded NUL ends the string on the wire (protobuf-c uses `char *`).
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        guard let copy = strdup(string) else { fatalError("strdup: out of memory") }
        allocations.append(copy)
        return copy
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

    /// A C copy of a repeated uint32 field (nil when empty); values outside UInt32 are clamped.
    func uint32s(_ values: [Int]) -> UnsafeMutablePointer<UInt32>? {
        guard !values.isEmpty else { return nil }
        let copy = allocate(UInt32.self, count: values.count)
        copy.initialize(from: values.map { UInt32(clamping: $0) }, count: values.count)
        return copy
    }

    /// A filled C struct for one submessage.
    func message<Message: CWireMessage>(_ value: Message) -> UnsafeMutablePointer<Message.CMessage> {
        let message = allocate(Message.CMessage.self, count: 1)
        fill(message, with: value)
        return message
    }

    /// A C array of pointers to filled structs, for a repeated message field (nil when empty).
    /// The structs share one allocation so a 10k-sample batch costs two mallocs plus its strings.
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

    private func allocate<Element>(_ type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        guard let raw = malloc(MemoryLayout<Element>.stride * count) else { fatalError("malloc: out of memory") }
        allocations.append(raw)
        return raw.bindMemory(to: Element.self, capacity: count)
    }

    private func releaseAll() {
        for allocation in allocations { free(allocation) }
        allocations.removeAll()
    }
}
