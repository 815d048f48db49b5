import RaceDomain
import RoadSenseWireC

/// Request of `analytics.GeneratePerformance` and `analytics.UpdateCompetitors`: every lap so far.
public struct AnalyticsRequest: Sendable, Equatable {
    public var laps: [LapRecord]
    public var nowMs: Int64

    public init(laps: [LapRecord], nowMs: Int64) {
        self.laps = laps
        self.nowMs = nowMs
    }
}

extension AnalyticsRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__AnalyticsRequest> {
        CMessageCodec(
            roadsense__v1__analytics_request__init, roadsense__v1__analytics_request__get_packed_size,
            roadsense__v1__analytics_request__pack, roadsense__v1__analytics_request__unpack,
            roadsense__v1__analytics_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__AnalyticsRequest, in arena: WireArena) {
        message.n_laps = laps.count
        message.laps = arena.messages(laps)
        message.now_ms = nowMs
    }

    init(unpacked message: Roadsense__V1__AnalyticsRequest) throws {
        self.init(laps: try WireReader.messages(message.n_laps, message.laps), nowMs: message.now_ms)
    }
}
