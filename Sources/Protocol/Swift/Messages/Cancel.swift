import RoadSenseWireC

/// Host to plugin: stop working on a call (`roadsense.v1.Cancel`); the plugin replies CANCELLED or
/// DEADLINE_EXCEEDED.
public struct Cancel: Sendable, Equatable {
    public var callID: String
    public var reason: String

    public init(callID: String, reason: String) {
        self.callID = callID
        self.reason = reason
    }
}

extension Cancel: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Cancel> {
        CMessageCodec(
            roadsense__v1__cancel__init, roadsense__v1__cancel__get_packed_size, roadsense__v1__cancel__pack,
            roadsense__v1__cancel__unpack, roadsense__v1__cancel__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Cancel, in arena: WireArena) {
        message.call_id = arena.string(callID)
        message.reason = arena.string(reason)
    }

    init(unpacked message: Roadsense__V1__Cancel) {
        self.init(callID: WireReader.string(message.call_id), reason: WireReader.string(message.reason))
    }
}
