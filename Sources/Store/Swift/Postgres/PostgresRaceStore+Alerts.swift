import RaceDomain

/// The alert operations behind `ctl alerts`, `ctl ack` and the alerts plugin's memory, on PostgreSQL: the
/// same statements as SQLite's, with numbered parameters.
extension PostgresRaceStore {
    public func alertRecords(openOnly: Bool, carNumber: Int?) throws -> [AlertRecord] {
        var conditions: [String] = []
        if openOnly { conditions.append("acknowledged_ms IS NULL") }
        if carNumber != nil { conditions.append("car_number = $1") }
        let sql = """
            SELECT alert_id, vehicle_id, car_number, rule, severity, message, last_raised_ms, lap, value,
              threshold, channel, first_raised_ms, times_seen, acknowledged_ms, ack_note
            FROM alerts \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY last_raised_ms DESC, alert_id
            """
        let name = "alert_records\(openOnly ? "_open" : "")\(carNumber == nil ? "" : "_car")"
        let values: [StoreValue?] = carNumber.map { [.integer(Int64($0))] } ?? []
        var records: [AlertRecord] = []
        try withConnection { connection in
            try connection.run(name, sql, values) { r in
                let alert = Alert(
                    alertID: r.string(0) ?? "", vehicleID: r.string(1) ?? "", carNumber: r.int(2),
                    rule: r.string(3) ?? "", severity: Severity(rawValue: r.int(4) ?? 1) ?? .info,
                    message: r.string(5) ?? "", raisedMs: r.int64(6) ?? 0, lap: r.int(7) ?? 0, value: r.double(8),
                    threshold: r.double(9), channel: r.string(10) ?? "")
                records.append(
                    AlertRecord(
                        alert: alert, firstRaisedMs: r.int64(11) ?? 0, lastRaisedMs: r.int64(6) ?? 0,
                        timesSeen: r.int(12) ?? 0, acknowledgedMs: r.int64(13), ackNote: r.string(14)))
            }
        }
        return records
    }

    public func acknowledgeAlert(id: String, note: String?, nowMs: Int64) throws -> Bool {
        let sql = """
            UPDATE alerts SET acknowledged_ms = COALESCE(acknowledged_ms, $1), ack_note = COALESCE($2, ack_note)
            WHERE alert_id = $3
            """
        let changed = try withConnection { connection in
            try connection.run("acknowledge_alert", sql, [.integer(nowMs), note.map { .text($0) }, .text(id)])
        }
        rowsWritten += changed
        return changed > 0
    }
}
