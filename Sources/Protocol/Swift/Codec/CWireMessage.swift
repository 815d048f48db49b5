/// A ``WireMessage`` encoded through the protoc-c struct of its proto message.
///
/// A conforming type says how to fill the C struct and how to read it back; ``encoded()`` and
/// ``init(wire:)`` are written once here on top of the generated `__pack` / `__unpack` functions.
protocol CWireMessage: WireMessage {
    associatedtype CMessage

    static var wireCodec: CMessageCodec<CMessage> { get }

    /// Writes this value into a struct that `wireCodec.initialize` has set up; every pointer stored comes
    /// from `arena`, which frees it after packing.
    func fill(_ message: inout CMessage, in arena: WireArena)

    /// Reads a struct produced by `wireCodec.unpack`; nothing it points to outlives this call.
    init(unpacked message: CMessage) throws
}

extension CWireMessage {
    public func encoded() -> [UInt8] {
        WireArena.with { arena in
            let message = UnsafePointer(arena.message(self))
            let size = Self.wireCodec.packedSize(message)
            guard size > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = Self.wireCodec.pack(message, buffer.baseAddress)
                precondition(count == size, "protobuf-c packed \(count) bytes, announced \(size)")
            }
        }
    }

    public init(wire bytes: [UInt8]) throws {
        let codec = Self.wireCodec

        // protobuf-c wants a non-null pointer even for zero bytes, which is a valid (all-default) message.
        let input = bytes.isEmpty ? [0] : bytes
        let unpacked = input.withUnsafeBufferPointer { codec.unpack(nil, bytes.count, $0.baseAddress) }
        guard let unpacked else {
            throw WireError(.malformed, "protobuf-c rejected \(bytes.count) bytes", messageType: Self.wireName)
        }
        defer { codec.freeUnpacked(unpacked, nil) }

        try self.init(unpacked: unpacked.pointee)
    }

    /// The Swift type name, used in ``WireError/messageType``.
    static var wireName: String { String(describing: Self.self) }
}
