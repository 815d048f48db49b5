import CProtobufC
import Glibc

/// Owns one protobuf-c message tree allocated the way `protobuf_c_message_unpack` allocates (every struct,
/// array, string and byte buffer from `malloc` with the default allocator), so one
/// `protobuf_c_message_free_unpacked` releases all of it — whether protobuf-c unpacked it or ``ProtobufJSON``
/// built it field by field.
final class CMessageTree {
    let root: UnsafeMutablePointer<ProtobufCMessage>

    private init(root: UnsafeMutablePointer<ProtobufCMessage>) { self.root = root }

    deinit { protobuf_c_message_free_unpacked(root, nil) }

    /// A message of `descriptor` with its defaults written, ready to be filled.
    static func empty(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> CMessageTree {
        CMessageTree(root: newMessage(descriptor))
    }

    /// The bytes unpacked as `descriptor`; nil when protobuf-c rejects them.
    static func unpacked(_ bytes: [UInt8], as descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> CMessageTree? {
        // protobuf-c wants a non-null pointer even for zero bytes (a valid, all-default message).
        let input = bytes.isEmpty ? [0] : bytes
        let root = input.withUnsafeBufferPointer {
            protobuf_c_message_unpack(descriptor, nil, bytes.count, $0.baseAddress)
        }
        return root.map { CMessageTree(root: $0) }
    }

    /// A zeroed `malloc`'d struct of `descriptor` with its defaults written (`descriptor->message_init`).
    /// Whoever stores the pointer in a tree hands it to that tree's free.
    static func newMessage(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> UnsafeMutablePointer<
        ProtobufCMessage
    > {
        guard let raw = calloc(1, descriptor.pointee.sizeof_message) else { fatalError("calloc: out of memory") }
        let message = raw.bindMemory(to: ProtobufCMessage.self, capacity: 1)
        descriptor.pointee.message_init(message)
        return message
    }

    /// The wire bytes of the tree.
    func packed() -> [UInt8] {
        let size = protobuf_c_message_get_packed_size(root)
        guard size > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = protobuf_c_message_pack(root, buffer.baseAddress)
            precondition(count == size, "protobuf-c packed \(count) bytes, announced \(size)")
        }
    }
}
