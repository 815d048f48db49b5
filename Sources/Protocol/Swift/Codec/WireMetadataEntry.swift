import RoadSenseWireC

/// One `MetadataEntry` of a `Call` or `Reply`; the Swift API exposes them as ``CallMetadata``.
struct WireMetadataEntry: CWireMessage {
    var key: String
    var value: String

    static var wireCodec: CMessageCodec<Roadsense__V1__MetadataEntry> {
        CMessageCodec(
            roadsense__v1__metadata_entry__init, roadsense__v1__metadata_entry__get_packed_size,
            roadsense__v1__metadata_entry__pack, roadsense__v1__metadata_entry__unpack,
            roadsense__v1__metadata_entry__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__MetadataEntry, in arena: WireArena) {
        message.key = arena.string(key)
        message.value = arena.string(value)
    }

    init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    init(unpacked message: Roadsense__V1__MetadataEntry) {
        self.init(key: WireReader.string(message.key), value: WireReader.string(message.value))
    }

    /// The repeated field for `metadata`, in the order given.
    static func encode(
        _ metadata: CallMetadata, in arena: WireArena
    ) -> (count: Int, entries: UnsafeMutablePointer<UnsafeMutablePointer<Roadsense__V1__MetadataEntry>?>?) {
        let entries = metadata.map { WireMetadataEntry(key: $0.key, value: $0.value) }
        return (entries.count, arena.messages(entries))
    }

    /// Reads the repeated field back, order and duplicates kept.
    static func decode(
        _ count: Int, _ entries: UnsafeMutablePointer<UnsafeMutablePointer<Roadsense__V1__MetadataEntry>?>?
    ) throws -> CallMetadata {
        let list: [WireMetadataEntry] = try WireReader.messages(count, entries)
        return CallMetadata(list.map { (key: $0.key, value: $0.value) })
    }
}
