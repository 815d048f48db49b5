import RaceDomain
import RoadSenseWireC

/// `FinishProjection` on the wire: an unknown car number is -1.
extension FinishProjection: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__FinishProjection> {
        CMessageCodec(
            roadsense__v1__finish_projection__init, roadsense__v1__finish_projection__get_packed_size,
            roadsense__v1__finish_projection__pack, roadsense__v1__finish_projection__unpack,
            roadsense__v1__finish_projection__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__FinishProjection, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.current_position = WireScalar.int32(currentPosition)
        message.expected_position = expectedPosition
        message.win_probability = winProbability
        message.podium_probability = podiumProbability
        message.n_position_counts = positionCounts.count
        message.position_counts = arena.uint32s(positionCounts)
    }

    init(unpacked message: Roadsense__V1__FinishProjection) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            currentPosition: Int(message.current_position), expectedPosition: message.expected_position,
            winProbability: message.win_probability, podiumProbability: message.podium_probability,
            positionCounts: WireReader.uint32s(message.n_position_counts, message.position_counts))
    }
}
