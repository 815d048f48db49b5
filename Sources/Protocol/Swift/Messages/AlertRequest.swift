import RaceDomain
import RoadSenseWireC

/// Request of `alerts.CheckConditions`: current car states, laps and feed freshness.
public struct AlertRequest: Sendable, Equatable {
    public var states: [CarState]
    public var laps: [LapRecord]
    public var feeds: [FeedStatus]
    public var nowMs: Int64

    public init(states: [CarState], laps: [LapRecord], feeds: [FeedStatus], nowMs: Int64) {
        self.states = states
        self.laps = laps
        self.feeds = feeds
        self.nowMs = nowMs
    }
}

extension AlertRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__AlertRequest> {
        CMessageCodec(
            roadsense__v1__alert_request__init, roadsense__v1__alert_request__get_packed_size,
            roadsense__v1__alert_request__pack, roadsense__v1__alert_request__unpack,
            roadsense__v1__alert_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__AlertRequest, in arena: WireArena) {
        (message.n_states, message.states) = (states.count, arena.messages(states))
        (message.n_laps, message.laps) = (laps.count, arena.messages(laps))
        (message.n_feeds, message.feeds) = (feeds.count, arena.messages(feeds))
        message.now_ms = nowMs
    }

    init(unpacked message: Roadsense__V1__AlertRequest) throws {
        self.init(
            states: try WireReader.messages(message.n_states, message.states),
            laps: try WireReader.messages(message.n_laps, message.laps),
            feeds: try WireReader.messages(message.n_feeds, message.feeds), nowMs: message.now_ms)
    }
}
