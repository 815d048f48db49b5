import CProtobufC

/// The protoc-c generated functions of one message type, so the codec can be written once for all types.
struct CMessageCodec<CMessage> {
    typealias Allocator = UnsafeMutablePointer<ProtobufCAllocator>

    /// `<type>__init`: writes the defaults (the `*_INIT` macro does not import into Swift).
    let initialize: (UnsafeMutablePointer<CMessage>?) -> Void
    let packedSize: (UnsafePointer<CMessage>?) -> Int
    let pack: (UnsafePointer<CMessage>?, UnsafeMutablePointer<UInt8>?) -> Int
    /// Returns nil when the bytes are not a valid message.
    let unpack: (Allocator?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>?
    let freeUnpacked: (UnsafeMutablePointer<CMessage>?, Allocator?) -> Void

    /// Takes the generated functions in header order: `__init`, `__get_packed_size`, `__pack`, `__unpack`,
    /// `__free_unpacked`.
    init(
        _ initialize: @escaping (UnsafeMutablePointer<CMessage>?) -> Void,
        _ packedSize: @escaping (UnsafePointer<CMessage>?) -> Int,
        _ pack: @escaping (UnsafePointer<CMessage>?, UnsafeMutablePointer<UInt8>?) -> Int,
        _ unpack: @escaping (Allocator?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>?,
        _ freeUnpacked: @escaping (UnsafeMutablePointer<CMessage>?, Allocator?) -> Void
    ) {
        self.initialize = initialize
        self.packedSize = packedSize
        self.pack = pack
        self.unpack = unpack
        self.freeUnpacked = freeUnpacked
    }
}
