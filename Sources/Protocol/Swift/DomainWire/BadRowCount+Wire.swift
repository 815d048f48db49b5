import RaceDomain
import RoadSenseWireC

/// `BadRowCount` on the wire; no example is an empty string.
extension BadRowCount: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__BadRowCount> {
        CMessageCodec(
            roadsense__v1__bad_row_count__init, roadsense__v1__bad_row_count__get_packed_size,
            roadsense__v1__bad_row_count__pack,
            roadsense__v1__bad_row_count__unpack, roadsense__v1__bad_row_count__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__BadRowCount, in arena: WireArena) {
        message.file = arena.string(file)
        message.kind = arena.string(kind)
        message.reason = arena.string(reason)
        message.count = WireScalar.uint64(count)
        message.example = arena.string(example ?? "")
    }

    init(unpacked message: Roadsense__V1__BadRowCount) throws {
        self.init(
            file: WireReader.string(message.file), kind: WireReader.string(message.kind),
            reason: WireReader.string(message.reason), count: WireScalar.int(message.count),
            example: message.example.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 })
    }
}
