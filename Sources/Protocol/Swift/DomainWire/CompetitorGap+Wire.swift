import RaceDomain
import RoadSenseWireC

/// `CompetitorGap` on the wire: unknown gaps are -1 (a leader's gap to itself is 0), an unknown pace 0, an
/// unknown closing rate and "not closing" NaN, no car ahead and no threat "".
extension CompetitorGap: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__CompetitorGap> {
        CMessageCodec(
            roadsense__v1__competitor_gap__init, roadsense__v1__competitor_gap__get_packed_size,
            roadsense__v1__competitor_gap__pack,
            roadsense__v1__competitor_gap__unpack, roadsense__v1__competitor_gap__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__CompetitorGap, in arena: WireArena) {
        message.car_key = arena.string(carKey)
        message.vehicle_id = arena.string(vehicleID)
        message.car_number = WireScalar.int32(carNumber, unknown: WireScalar.unknownCarNumber)
        message.position = WireScalar.int32(position)
        message.laps_completed = WireScalar.int32(lapsCompleted)
        message.laps_behind_leader = WireScalar.int32(lapsBehindLeader)
        message.gap_to_leader_ms = WireScalar.int64(gapToLeaderMs, unknown: -1)
        message.car_ahead = arena.string(carAhead ?? "")

        message.laps_behind_ahead = WireScalar.int32(lapsBehindAhead)
        message.gap_to_ahead_ms = WireScalar.int64(gapToAheadMs, unknown: -1)
        message.pace_ms = WireScalar.int64(paceMs)
        message.closing_ms_per_lap = WireScalar.double(closingOnAheadMsPerLap.map(Double.init))
        message.laps_to_contact = WireScalar.double(lapsToContact)
        message.undercut_threat_from = arena.string(undercutThreatFrom ?? "")
        message.overcut_threat_from = arena.string(overcutThreatFrom ?? "")
    }

    init(unpacked message: Roadsense__V1__CompetitorGap) throws {
        func key(_ raw: UnsafeMutablePointer<CChar>?) -> String? {
            let text = WireReader.string(raw)
            return text.isEmpty ? nil : text
        }
        self.init(
            carKey: WireReader.string(message.car_key), vehicleID: WireReader.string(message.vehicle_id),
            carNumber: WireScalar.optional(message.car_number, unknown: WireScalar.unknownCarNumber),
            position: Int(message.position), lapsCompleted: Int(message.laps_completed))
        lapsBehindLeader = Int(message.laps_behind_leader)
        gapToLeaderMs = WireScalar.optional(message.gap_to_leader_ms, unknown: -1)
        carAhead = key(message.car_ahead)
        lapsBehindAhead = Int(message.laps_behind_ahead)
        gapToAheadMs = WireScalar.optional(message.gap_to_ahead_ms, unknown: -1)

        paceMs = WireScalar.optional(message.pace_ms)
        closingOnAheadMsPerLap = WireScalar.optional(message.closing_ms_per_lap).map { Int64($0) }
        lapsToContact = WireScalar.optional(message.laps_to_contact)
        undercutThreatFrom = key(message.undercut_threat_from)
        overcutThreatFrom = key(message.overcut_threat_from)
    }
}
