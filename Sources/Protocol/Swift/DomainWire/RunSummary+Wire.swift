import RaceDomain
import RoadSenseWireC

/// `RunSummary` on the wire; negative counts are sent as 0.
extension RunSummary: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__RunSummary> {
        CMessageCodec(
            roadsense__v1__run_summary__init, roadsense__v1__run_summary__get_packed_size,
            roadsense__v1__run_summary__pack,
            roadsense__v1__run_summary__unpack, roadsense__v1__run_summary__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__RunSummary, in arena: WireArena) {
        message.cars = WireScalar.uint32(cars)
        message.laps = WireScalar.uint32(laps)
        message.samples = WireScalar.uint64(samples)
        message.calls_dispatched = WireScalar.uint64(callsDispatched)
        message.calls_failed = WireScalar.uint64(callsFailed)
        message.predictions = WireScalar.uint64(predictions)
        message.alerts_info = WireScalar.uint64(alertsInfo)
        message.alerts_warning = WireScalar.uint64(alertsWarning)
        message.alerts_critical = WireScalar.uint64(alertsCritical)
        message.rows_stored = WireScalar.uint64(rowsStored)
        message.n_bad_rows = badRows.count
        message.bad_rows = arena.messages(badRows)
        message.wall_seconds = wallSeconds
    }

    init(unpacked message: Roadsense__V1__RunSummary) throws {
        self.init(
            cars: Int(message.cars), laps: Int(message.laps), samples: WireScalar.int(message.samples),
            callsDispatched: WireScalar.int(message.calls_dispatched),
            callsFailed: WireScalar.int(message.calls_failed),
            predictions: WireScalar.int(message.predictions), alertsInfo: WireScalar.int(message.alerts_info),
            alertsWarning: WireScalar.int(message.alerts_warning),
            alertsCritical: WireScalar.int(message.alerts_critical),
            rowsStored: WireScalar.int(message.rows_stored),
            badRows: try WireReader.messages(message.n_bad_rows, message.bad_rows), wallSeconds: message.wall_seconds)
    }
}
