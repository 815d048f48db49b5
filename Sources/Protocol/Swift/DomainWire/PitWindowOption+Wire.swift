import RaceDomain
import RoadSenseWireC

/// `PitWindow.Option` on the wire as `PitOption`: a stop at the end of a lap and the time it gains.
extension PitWindow.Option: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__PitOption> {
        CMessageCodec(
            roadsense__v1__pit_option__init, roadsense__v1__pit_option__get_packed_size,
            roadsense__v1__pit_option__pack, roadsense__v1__pit_option__unpack,
            roadsense__v1__pit_option__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__PitOption, in arena: WireArena) {
        message.lap = WireScalar.int32(lap)
        message.gain_ms = expectedGainMs
        message.low_ms = lowMs
        message.high_ms = highMs
    }

    init(unpacked message: Roadsense__V1__PitOption) throws {
        self.init(
            lap: Int(message.lap), expectedGainMs: message.gain_ms, lowMs: message.low_ms, highMs: message.high_ms)
    }
}
