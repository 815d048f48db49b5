import RoadSenseWireC

/// Response of the maintenance methods: what was deleted or updated in the store.
public struct MaintenanceResult: Sendable, Equatable {
    /// `cleanup-telemetry`, `cleanup-alerts` or `acknowledge-stale-alerts`.
    public var task: String
    public var rowsDeleted: Int
    public var rowsUpdated: Int
    /// Rows older than this were affected.
    public var cutoffMs: Int64
    public var summary: String
    /// Retention's deletes by kind (0 for the tasks that delete nothing of that kind).
    public var framesDeleted: Int
    public var carStatesDeleted: Int
    public var alertsDeleted: Int
    /// The short transactions the retention pass took (each at most its batch size of one table's rows).
    public var batches: Int

    public init(
        task: String, rowsDeleted: Int, rowsUpdated: Int, cutoffMs: Int64, summary: String, framesDeleted: Int = 0,
        carStatesDeleted: Int = 0, alertsDeleted: Int = 0, batches: Int = 0
    ) {
        self.task = task
        self.rowsDeleted = rowsDeleted
        self.rowsUpdated = rowsUpdated
        self.cutoffMs = cutoffMs
        self.summary = summary
        self.framesDeleted = framesDeleted
        self.carStatesDeleted = carStatesDeleted
        self.alertsDeleted = alertsDeleted
        self.batches = batches
    }
}

extension MaintenanceResult: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__MaintenanceResult> {
        CMessageCodec(
            roadsense__v1__maintenance_result__init, roadsense__v1__maintenance_result__get_packed_size,
            roadsense__v1__maintenance_result__pack, roadsense__v1__maintenance_result__unpack,
            roadsense__v1__maintenance_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__MaintenanceResult, in arena: WireArena) {
        message.task = arena.string(task)
        message.rows_deleted = WireScalar.uint64(rowsDeleted)
        message.rows_updated = WireScalar.uint64(rowsUpdated)
        message.cutoff_ms = cutoffMs
        message.summary = arena.string(summary)
        message.frames_deleted = WireScalar.uint64(framesDeleted)
        message.car_states_deleted = WireScalar.uint64(carStatesDeleted)
        message.alerts_deleted = WireScalar.uint64(alertsDeleted)
        message.batches = WireScalar.uint64(batches)
    }

    init(unpacked message: Roadsense__V1__MaintenanceResult) throws {
        self.init(
            task: WireReader.string(message.task), rowsDeleted: WireScalar.int(message.rows_deleted),
            rowsUpdated: WireScalar.int(message.rows_updated), cutoffMs: message.cutoff_ms,
            summary: WireReader.string(message.summary), framesDeleted: WireScalar.int(message.frames_deleted),
            carStatesDeleted: WireScalar.int(message.car_states_deleted),
            alertsDeleted: WireScalar.int(message.alerts_deleted), batches: WireScalar.int(message.batches))
    }
}
