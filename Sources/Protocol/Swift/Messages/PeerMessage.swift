import RoadSenseWireC

/// Everything host and plugins say to each other: one member of the `roadsense.v1.PeerMessage` oneof.
public enum PeerMessage: Sendable, Equatable {
    case hello(Hello)
    case welcome(Welcome)
    case heartbeat(Heartbeat)
    case call(Call)
    case reply(Reply)
    case cancel(Cancel)
    case goodbye(Goodbye)
}

extension PeerMessage: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__PeerMessage> {
        CMessageCodec(
            roadsense__v1__peer_message__init, roadsense__v1__peer_message__get_packed_size,
            roadsense__v1__peer_message__pack, roadsense__v1__peer_message__unpack,
            roadsense__v1__peer_message__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__PeerMessage, in arena: WireArena) {
        switch self {
        case .hello(let hello):
            (message.body_case, message.hello) = (ROADSENSE__V1__PEER_MESSAGE__BODY_HELLO, arena.message(hello))
        case .welcome(let welcome):
            (message.body_case, message.welcome) = (ROADSENSE__V1__PEER_MESSAGE__BODY_WELCOME, arena.message(welcome))
        case .heartbeat(let beat):
            (message.body_case, message.heartbeat) = (ROADSENSE__V1__PEER_MESSAGE__BODY_HEARTBEAT, arena.message(beat))
        case .call(let call):
            (message.body_case, message.call) = (ROADSENSE__V1__PEER_MESSAGE__BODY_CALL, arena.message(call))
        case .reply(let reply):
            (message.body_case, message.reply) = (ROADSENSE__V1__PEER_MESSAGE__BODY_REPLY, arena.message(reply))
        case .cancel(let cancel):
            (message.body_case, message.cancel) = (ROADSENSE__V1__PEER_MESSAGE__BODY_CANCEL, arena.message(cancel))
        case .goodbye(let goodbye):
            (message.body_case, message.goodbye) = (ROADSENSE__V1__PEER_MESSAGE__BODY_GOODBYE, arena.message(goodbye))
        }
    }

    init(unpacked message: Roadsense__V1__PeerMessage) throws {
        // protobuf-c sets the pointer of the member it read; an empty submessage still arrives non-null.
        func member<Member: CWireMessage>(_ pointer: UnsafeMutablePointer<Member.CMessage>?) throws -> Member {
            try WireReader.required(pointer, field: "body", of: Self.wireName)
        }

        switch message.body_case {
        case ROADSENSE__V1__PEER_MESSAGE__BODY_HELLO: self = .hello(try member(message.hello))
        case ROADSENSE__V1__PEER_MESSAGE__BODY_WELCOME: self = .welcome(try member(message.welcome))
        case ROADSENSE__V1__PEER_MESSAGE__BODY_HEARTBEAT: self = .heartbeat(try member(message.heartbeat))
        case ROADSENSE__V1__PEER_MESSAGE__BODY_CALL: self = .call(try member(message.call))
        case ROADSENSE__V1__PEER_MESSAGE__BODY_REPLY: self = .reply(try member(message.reply))
        case ROADSENSE__V1__PEER_MESSAGE__BODY_CANCEL: self = .cancel(try member(message.cancel))
        case ROADSENSE__V1__PEER_MESSAGE__BODY_GOODBYE: self = .goodbye(try member(message.goodbye))
        default:
            let tag = message.body_case.rawValue
            throw WireError(.unknownTag, "body not set or unknown member (case \(tag))", messageType: Self.wireName)
        }
    }
}
