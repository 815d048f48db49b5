import RaceDomain
import RoadSenseWireC

/// One message on the host's PUB socket (`roadsense.v1.Update`), sent after its topic frame.
public struct Update: Sendable, Equatable {
    /// What changed: one member of the `body` oneof.
    public enum Body: Sendable, Equatable {
        case carState(CarState)
        case prediction(StrategyPrediction)
        case alert(Alert)
        case lap(LapRecord)
        case weather(WeatherSample)
        case report(AnalyticsReport)
        case summary(RunSummary)
        case simulation(SimulationBatch)
        case maintenance(MaintenanceResult)
        case ingest(IngestResult)
    }

    /// Per host run, from 1, without gaps: a gap means the subscriber dropped messages.
    public var seq: UInt64
    /// Replay clock in replay mode.
    public var publishedMs: Int64
    /// Also sent as the first frame, for ZeroMQ prefix filtering.
    public var topic: String
    public var body: Body

    public init(seq: UInt64, publishedMs: Int64, topic: String, body: Body) {
        self.seq = seq
        self.publishedMs = publishedMs
        self.topic = topic
        self.body = body
    }
}

extension Update: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Update> {
        CMessageCodec(
            roadsense__v1__update__init, roadsense__v1__update__get_packed_size, roadsense__v1__update__pack,
            roadsense__v1__update__unpack, roadsense__v1__update__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Update, in arena: WireArena) {
        message.seq = seq
        message.published_ms = publishedMs
        message.topic = arena.string(topic)
        switch body {
        case .carState(let state):
            (message.body_case, message.car_state) = (ROADSENSE__V1__UPDATE__BODY_CAR_STATE, arena.message(state))
        case .prediction(let prediction):
            (message.body_case, message.prediction) = (
                ROADSENSE__V1__UPDATE__BODY_PREDICTION, arena.message(prediction)
            )
        case .alert(let alert):
            (message.body_case, message.alert) = (ROADSENSE__V1__UPDATE__BODY_ALERT, arena.message(alert))
        case .lap(let lap):
            (message.body_case, message.lap) = (ROADSENSE__V1__UPDATE__BODY_LAP, arena.message(lap))
        case .weather(let weather):
            (message.body_case, message.weather) = (ROADSENSE__V1__UPDATE__BODY_WEATHER, arena.message(weather))
        case .report(let report):
            (message.body_case, message.report) = (ROADSENSE__V1__UPDATE__BODY_REPORT, arena.message(report))
        case .summary(let summary):
            (message.body_case, message.summary) = (ROADSENSE__V1__UPDATE__BODY_SUMMARY, arena.message(summary))
        case .simulation(let batch):
            (message.body_case, message.simulation) = (ROADSENSE__V1__UPDATE__BODY_SIMULATION, arena.message(batch))
        case .maintenance(let result):
            (message.body_case, message.maintenance) = (
                ROADSENSE__V1__UPDATE__BODY_MAINTENANCE, arena.message(result)
            )
        case .ingest(let result):
            (message.body_case, message.ingest) = (ROADSENSE__V1__UPDATE__BODY_INGEST, arena.message(result))
        }
    }

    init(unpacked message: Roadsense__V1__Update) throws {
        func member<Member: CWireMessage>(_ pointer: UnsafeMutablePointer<Member.CMessage>?) throws -> Member {
            try WireReader.required(pointer, field: "body", of: Self.wireName)
        }

        let body: Body
        switch message.body_case {
        case ROADSENSE__V1__UPDATE__BODY_CAR_STATE: body = .carState(try member(message.car_state))
        case ROADSENSE__V1__UPDATE__BODY_PREDICTION: body = .prediction(try member(message.prediction))
        case ROADSENSE__V1__UPDATE__BODY_ALERT: body = .alert(try member(message.alert))
        case ROADSENSE__V1__UPDATE__BODY_LAP: body = .lap(try member(message.lap))
        case ROADSENSE__V1__UPDATE__BODY_WEATHER: body = .weather(try member(message.weather))
        case ROADSENSE__V1__UPDATE__BODY_REPORT: body = .report(try member(message.report))
        case ROADSENSE__V1__UPDATE__BODY_SUMMARY: body = .summary(try member(message.summary))
        case ROADSENSE__V1__UPDATE__BODY_SIMULATION: body = .simulation(try member(message.simulation))
        case ROADSENSE__V1__UPDATE__BODY_MAINTENANCE: body = .maintenance(try member(message.maintenance))
        case ROADSENSE__V1__UPDATE__BODY_INGEST: body = .ingest(try member(message.ingest))
        default:
            let tag = message.body_case.rawValue
            throw WireError(.unknownTag, "body not set or unknown member (case \(tag))", messageType: Self.wireName)
        }
        self.init(
            seq: message.seq, publishedMs: message.published_ms, topic: WireReader.string(message.topic), body: body)
    }
}
