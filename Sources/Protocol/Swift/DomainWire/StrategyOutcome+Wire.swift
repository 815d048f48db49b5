import RaceDomain
import RoadSenseWireC

/// `StrategyOutcome` on the wire, one of `SimulationResult.options`: an unknown car number is -1.
extension StrategyOutcome: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__StrategyOutcome> {
        CMessageCodec(
            roadsense__v1__strategy_outcome__init, roadsense__v1__strategy_outcome__get_packed_size,
            roadsense__v1__strategy_outcome__pack, roadsense__v1__strategy_outcome__unpack,
            roadsense__v1__strategy_outcome__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__StrategyOutcome, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.pit_lap = WireScalar.int32(pitLap)
        message.pit_loss_ms = pitLossMs
        message.expected_gain_ms = expectedGainMs
        message.expected_position = expectedPosition
        message.win_probability = winProbability
        message.podium_probability = podiumProbability
        message.n_position_counts = positionCounts.count
        message.position_counts = arena.uint32s(positionCounts)
    }

    init(unpacked message: Roadsense__V1__StrategyOutcome) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            pitLap: Int(message.pit_lap), pitLossMs: message.pit_loss_ms, expectedGainMs: message.expected_gain_ms,
            expectedPosition: message.expected_position, winProbability: message.win_probability,
            podiumProbability: message.podium_probability,
            positionCounts: WireReader.uint32s(message.n_position_counts, message.position_counts))
    }
}
