import RaceDomain
import RoadSenseWireC

/// Response of `telemetry.ProcessLive`: the state of every car seen in the window, and the counts.
public struct TelemetryResult: Sendable, Equatable {
    public var states: [CarState]
    public var samplesIn: Int
    public var samplesRejected: Int
    public var framesStored: Int

    public init(states: [CarState], samplesIn: Int, samplesRejected: Int, framesStored: Int) {
        self.states = states
        self.samplesIn = samplesIn
        self.samplesRejected = samplesRejected
        self.framesStored = framesStored
    }
}

extension TelemetryResult: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__TelemetryResult> {
        CMessageCodec(
            roadsense__v1__telemetry_result__init, roadsense__v1__telemetry_result__get_packed_size,
            roadsense__v1__telemetry_result__pack, roadsense__v1__telemetry_result__unpack,
            roadsense__v1__telemetry_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__TelemetryResult, in arena: WireArena) {
        message.n_states = states.count
        message.states = arena.messages(states)
        message.samples_in = WireScalar.uint32(samplesIn)
        message.samples_rejected = WireScalar.uint32(samplesRejected)
        message.frames_stored = WireScalar.uint32(framesStored)
    }

    init(unpacked message: Roadsense__V1__TelemetryResult) throws {
        self.init(
            states: try WireReader.messages(message.n_states, message.states), samplesIn: Int(message.samples_in),
            samplesRejected: Int(message.samples_rejected), framesStored: Int(message.frames_stored))
    }
}
