import Foundation

/// Reads `lap_start` / `lap_end` / `lap_time` files in all three schemas (SOURCES.md item 1).
///
/// Columns are located by name, so the barber/indianapolis (11 columns, `vehicle_number`),
/// road-america/vir (10 columns with `value`) and cota/sonoma/sebring (quoted, reordered) layouts
/// all read the same way. Rows are sorted by `timestamp`, then filtered per vehicle; each rejected
/// row is counted under the file kind (`lap_start`, `lap_end`, `lap_time`) with one of:
/// - `lap counter lost (32768)` — skipped.
/// - `lap 0 (before the first crossing)` — skipped.
/// - `spurious burst (<30 s lap)` — a lap_time `value` under 30 s, or a crossing less than 30 s after
///   the vehicle's previous kept crossing (the flip-flopping bursts of item 5); skipped.
/// - `duplicate (vehicle_id, lap)` — the key was already kept earlier in time; skipped.
/// - a row of another width than the header: `FieldCountRule` (kept or dropped as it says).
/// - `bad lap` / `bad timestamp` / `bad meta_time` / `missing vehicle_id` — skipped.
/// - `implausible timestamp` / `implausible meta_time` — an instant outside the years 2000–2100
///   (`TRDTime.plausibleInstantMs`); skipped.
/// - `implausible value` — a lap_time `value` over `maximumLapMs` (real files reach 7 127 986 ms, about 2 h,
///   for a lap spanning a red flag); the row is kept without a duration.
public enum LapEventReader {
    /// Crossings closer together than this belong to one burst.
    public static let minimumLapMs: Int64 = 30_000
    /// Longest plausible lap_time `value`: one day.
    public static let maximumLapMs: Int64 = TRDTime.dayMs

    /// Reads one file; `kind` defaults to what the file name says (else `.end`).
    /// - Returns: good events sorted by `timestampMs`.
    /// - Throws: `TRDError` when the file cannot be opened or lacks `lap`, `timestamp` or `vehicle_id`.
    public static func read(url: URL, kind: LapEvent.Kind? = nil, ledger: RowIssueLedger) throws -> [LapEvent] {
        let kind = kind ?? LapEvent.Kind(fileName: url.lastPathComponent) ?? .end
        let file = try CSVFile(url: url)
        defer { file.close() }
        let name = file.fileName
        let lapColumn = try file.requireColumn("lap")
        let timestampColumn = try file.requireColumn("timestamp")
        let vehicleColumn = try file.requireColumn("vehicle_id", alternatives: ["original_vehicle_id"])
        let metaTimeColumn = file.column("meta_time")
        let numberColumn = file.column("vehicle_number")
        let valueColumn = file.column("value")

        func bad(_ reason: String, _ row: Int, _ field: String?, _ detail: String? = nil) {
            ledger.record(file: name, kind: kind.rawValue, reason: reason, row: row, field: field, detail: detail)
        }

        // Parse every row; lap 32768 and malformed rows are dropped here.
        var parsed: [LapEvent] = []
        let read = [
            lapColumn, timestampColumn, vehicleColumn, metaTimeColumn, numberColumn, kind == .time ? valueColumn : nil,
        ]
        for record in file {
            guard file.acceptFieldCount(record, reading: read, kind: kind.rawValue, ledger: ledger) else { continue }
            let row = record.line
            let vehicleID = record[vehicleColumn]
            guard !vehicleID.isEmpty else {
                bad("missing vehicle_id", row, "vehicle_id")
                continue
            }
            guard let lap = Int(record[lapColumn]), lap >= 0 else {
                bad("bad lap", row, "lap", "'\(record[lapColumn])' is not a lap number")
                continue
            }
            if lap == 32768 {
                bad("lap counter lost (32768)", row, "lap", "lap 32768 skipped")
                continue
            }
            guard let timestamp = TRDTime.parseISO(record[timestampColumn]) else {
                bad("bad timestamp", row, "timestamp", "'\(record[timestampColumn])' is not an ISO-8601 instant")
                continue
            }
            guard TRDTime.isPlausibleInstant(timestamp) else {
                bad("implausible timestamp", row, "timestamp", "'\(record[timestampColumn])' is not in 2000–2100")
                continue
            }
            let metaTime: Int64
            if let metaTimeColumn {
                guard let value = TRDTime.parseISO(record[metaTimeColumn]) else {
                    bad("bad meta_time", row, "meta_time", "'\(record[metaTimeColumn])' is not an ISO-8601 instant")
                    continue
                }
                guard TRDTime.isPlausibleInstant(value) else {
                    bad("implausible meta_time", row, "meta_time", "'\(record[metaTimeColumn])' is not in 2000–2100")
                    continue
                }
                metaTime = value
            } else {
                metaTime = timestamp
            }
            if lap == 0 {
                bad("lap 0 (before the first crossing)", row, "lap", "lap 0 skipped")
                continue
            }

            // Car number: vehicle_number when present and non-zero, else the id's last segment.
            var carNumber = VehicleID.carNumber(from: vehicleID)
            if let numberColumn, let number = Int(record[numberColumn]) { carNumber = number > 0 ? number : nil }

            // Duration: only an integer `value` (lap_start/lap_end hold an ISO string there).
            var duration = kind == .time ? valueColumn.flatMap { Int64(record[$0]) } : nil
            if let value = duration, value > maximumLapMs {
                bad("implausible value", row, "value", "lap time '\(value)' ms is implausible (over 1 day)")
                duration = nil
            }
            parsed.append(
                LapEvent(
                    kind: kind, vehicleID: vehicleID, carNumber: carNumber, lap: lap, timestampMs: timestamp,
                    metaTimeMs: metaTime, durationMs: duration, row: row))
        }

        // Time order, then drop bursts and repeated (vehicle, lap) keys per vehicle.
        parsed.sort { ($0.timestampMs, $0.row) < ($1.timestampMs, $1.row) }
        var lastKept: [String: Int64] = [:]
        var seenKeys: Set<String> = []
        var good: [LapEvent] = []
        good.reserveCapacity(parsed.count)
        for event in parsed {
            if let duration = event.durationMs, duration < minimumLapMs {
                bad("spurious burst (<30 s lap)", event.row, "value", "lap time \(duration) ms")
                continue
            }
            if let previous = lastKept[event.vehicleID], event.timestampMs - previous < minimumLapMs {
                bad(
                    "spurious burst (<30 s lap)", event.row, "timestamp",
                    "\(event.timestampMs - previous) ms after the previous crossing")
                continue
            }
            let key = "\(event.vehicleID)#\(event.lap)"
            guard seenKeys.insert(key).inserted else {
                bad(
                    "duplicate (vehicle_id, lap)", event.row, "lap",
                    "lap \(event.lap) of \(event.vehicleID) seen before")
                continue
            }
            lastKept[event.vehicleID] = event.timestampMs
            good.append(event)
        }
        return good
    }
}
