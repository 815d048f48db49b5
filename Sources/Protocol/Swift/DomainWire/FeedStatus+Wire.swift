import RaceDomain
import RoadSenseWireC

/// `FeedStatus` on the wire: an unknown car number is -1.
extension FeedStatus: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__FeedStatus> {
        CMessageCodec(
            roadsense__v1__feed_status__init, roadsense__v1__feed_status__get_packed_size,
            roadsense__v1__feed_status__pack,
            roadsense__v1__feed_status__unpack, roadsense__v1__feed_status__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__FeedStatus, in arena: WireArena) {
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.last_sample_ms = lastSampleMs
    }

    init(unpacked message: Roadsense__V1__FeedStatus) throws {
        self.init(
            vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            lastSampleMs: message.last_sample_ms)
    }
}
