import RoadSenseWireC

/// Either side: I am leaving (`roadsense.v1.Goodbye`); the host re-queues the plugin's in-flight calls.
public struct Goodbye: Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

extension Goodbye: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Goodbye> {
        CMessageCodec(
            roadsense__v1__goodbye__init, roadsense__v1__goodbye__get_packed_size, roadsense__v1__goodbye__pack,
            roadsense__v1__goodbye__unpack, roadsense__v1__goodbye__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Goodbye, in arena: WireArena) {
        message.reason = arena.string(reason)
    }

    init(unpacked message: Roadsense__V1__Goodbye) {
        self.init(reason: WireReader.string(message.reason))
    }
}
