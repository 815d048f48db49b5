import RaceDomain
import RoadSenseWireC

/// Request of `simulation.RunBatch`.
public struct SimulationRequest: Sendable, Equatable {
    public var laps: [LapRecord]
    /// Scheduled race length in laps; nil = unknown (0 on the wire).
    public var raceLaps: Int?
    /// nil = the plugin's default (0 on the wire).
    public var iterations: Int?
    public var seed: UInt64
    public var nowMs: Int64

    public init(laps: [LapRecord], raceLaps: Int?, iterations: Int?, seed: UInt64, nowMs: Int64) {
        self.laps = laps
        self.raceLaps = raceLaps
        self.iterations = iterations
        self.seed = seed
        self.nowMs = nowMs
    }
}

extension SimulationRequest: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__SimulationRequest> {
        CMessageCodec(
            roadsense__v1__simulation_request__init, roadsense__v1__simulation_request__get_packed_size,
            roadsense__v1__simulation_request__pack, roadsense__v1__simulation_request__unpack,
            roadsense__v1__simulation_request__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__SimulationRequest, in arena: WireArena) {
        message.n_laps = laps.count
        message.laps = arena.messages(laps)
        message.race_laps = WireScalar.int32(raceLaps, unknown: 0)
        message.iterations = WireScalar.uint32(iterations ?? 0)
        message.seed = seed
        message.now_ms = nowMs
    }

    init(unpacked message: Roadsense__V1__SimulationRequest) throws {
        self.init(
            laps: try WireReader.messages(message.n_laps, message.laps),
            raceLaps: WireScalar.optional(message.race_laps, unknown: 0),
            iterations: message.iterations == 0 ? nil : Int(message.iterations), seed: message.seed,
            nowMs: message.now_ms)
    }
}
