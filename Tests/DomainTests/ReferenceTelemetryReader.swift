import Foundation

@testable import RaceDomain

/// The telemetry reader as it was before the byte-level scanner (one `String` per field through `CSVFile`,
/// `Set<[String]>` for duplicates), kept as the oracle the fast reader must agree with row for row. Since then it
/// has gained two rules, written here the plain way: a (vehicle, timestamp, channel) key read in the last
/// `duplicateWindow` distinct keys is a repeated or conflicting reading (SOURCES.md item 22), and a row of another
/// width than the header is judged by `CSVFile.acceptFieldCount` (`FieldCountRule`).
struct ReferenceTelemetryReader: Sequence {
    private let url: URL
    private let ledger: RowIssueLedger

    /// Checks that the file opens and has the needed header columns.
    /// - Throws: `TRDError` (`.fileMissing`, `.unreadable`, `.badHeader`).
    init(url: URL, ledger: RowIssueLedger) throws {
        self.url = url
        self.ledger = ledger
        _ = try Iterator(url: url, ledger: ledger)
    }

    /// Each iteration re-opens the file. An open failure after `init` yields an empty sequence.
    func makeIterator() -> Iterator {
        (try? Iterator(url: url, ledger: ledger)) ?? Iterator.empty(url: url, ledger: ledger)
    }

    /// Reads every sample into an array (for files known to be small).
    func readAll() -> [TelemetrySample] { Array(self) }

    struct Iterator: IteratorProtocol {
        private let file: CSVFile?
        private let ledger: RowIssueLedger
        private let name: String
        private let lapColumn: Int, metaTimeColumn: Int, channelColumn: Int, valueColumn: Int
        private let timestampColumn: Int, vehicleColumn: Int
        private var recentRows: Set<[String]> = []
        private var recentOrder: [[String]] = []
        private var recentHead = 0
        private struct Key: Hashable {
            var vehicle: String
            var ecuTimeMs: Int64
            var channel: String
        }
        private var firstReads: [Key: (value: Double, row: Int)] = [:]
        private var keyOrder: [Key] = []
        private var keyHead = 0

        init(url: URL, ledger: RowIssueLedger) throws {
            let file = try CSVFile(url: url)
            self.file = file
            self.ledger = ledger
            name = file.fileName
            lapColumn = try file.requireColumn("lap")
            metaTimeColumn = try file.requireColumn("meta_time")
            channelColumn = try file.requireColumn("telemetry_name")
            valueColumn = try file.requireColumn("telemetry_value")
            timestampColumn = try file.requireColumn("timestamp")
            vehicleColumn = try file.requireColumn("vehicle_id", alternatives: ["original_vehicle_id"])
        }

        private init(emptyFor url: URL, ledger: RowIssueLedger) {
            file = nil
            self.ledger = ledger
            name = url.lastPathComponent
            (lapColumn, metaTimeColumn, channelColumn, valueColumn, timestampColumn, vehicleColumn) = (0, 0, 0, 0, 0, 0)
        }

        static func empty(url: URL, ledger: RowIssueLedger) -> Iterator { Iterator(emptyFor: url, ledger: ledger) }

        mutating func next() -> TelemetrySample? {
            guard let file else { return nil }
            while let record = file.next() {
                if let sample = sample(from: record) { return sample }
            }
            return nil
        }

        private mutating func sample(from record: CSVRecord) -> TelemetrySample? {
            let row = record.line
            func bad(_ reason: String, _ field: String?, _ detail: String? = nil) -> TelemetrySample? {
                ledger.record(
                    file: name, kind: TelemetryReader.kind, reason: reason, row: row, field: field, detail: detail)
                return nil
            }

            // A row of another width than the header: the rule every `CSVFile` reader applies.
            let read = [lapColumn, metaTimeColumn, channelColumn, valueColumn, timestampColumn, vehicleColumn]
            guard let file, file.acceptFieldCount(record, reading: read, kind: TelemetryReader.kind, ledger: ledger)
            else { return nil }

            // Duplicates first, so a repeated bad row is counted once as bad and once as duplicate.
            if isRecentDuplicate(record.fields) { return bad("duplicate row", nil) }

            let channel = record[channelColumn]
            guard TelemetryReader.knownChannels.contains(channel) else {
                return bad("unknown telemetry_name", "telemetry_name", "'\(channel)' is not a known channel")
            }
            let rawValue = record[valueColumn].trimmingCharacters(in: .whitespaces)
            guard !rawValue.isEmpty else { return bad("empty telemetry_value", "telemetry_value", "value is empty") }
            guard let value = Double(rawValue), value.isFinite else {
                return bad("non-numeric telemetry_value", "telemetry_value", "'\(rawValue)' is not a number")
            }
            if let range = TelemetryReader.plausibleRanges[channel], !range.contains(value) {
                return bad("implausible \(channel)", "telemetry_value", "'\(rawValue)' is implausible for \(channel)")
            }
            let vehicleID = record[vehicleColumn]
            guard !vehicleID.isEmpty else { return bad("missing vehicle_id", "vehicle_id") }
            guard let ecuTime = TRDTime.parseISO(record[timestampColumn]) else {
                return bad("bad timestamp", "timestamp", "'\(record[timestampColumn])' is not an ISO-8601 instant")
            }
            guard TRDTime.isPlausibleInstant(ecuTime) else {
                return bad("implausible timestamp", "timestamp", "'\(record[timestampColumn])' is not in 2000–2100")
            }
            guard let metaTime = TRDTime.parseISO(record[metaTimeColumn]) else {
                return bad("bad meta_time", "meta_time", "'\(record[metaTimeColumn])' is not an ISO-8601 instant")
            }
            guard TRDTime.isPlausibleInstant(metaTime) else {
                return bad("implausible meta_time", "meta_time", "'\(record[metaTimeColumn])' is not in 2000–2100")
            }
            guard var lap = Int(record[lapColumn]), lap >= 0 else {
                return bad("bad lap", "lap", "'\(record[lapColumn])' is not a lap number")
            }
            let key = Key(vehicle: vehicleID, ecuTimeMs: ecuTime, channel: channel)
            if let first = firstReads[key] {
                if first.value == value {
                    return bad(
                        TelemetryReader.repeatedReason, "telemetry_value",
                        "\(channel) \(rawValue) at this ECU instant was read at row \(first.row); dropped")
                }
                return bad(
                    TelemetryReader.conflictReason, "telemetry_value",
                    "\(channel) '\(rawValue)' but row \(first.row) read \(first.value) at this ECU instant; the first is kept"
                )
            }
            firstReads[key] = (value, row)
            if keyOrder.count < TelemetryReader.duplicateWindow {
                keyOrder.append(key)
            } else {
                firstReads[keyOrder[keyHead]] = nil
                keyOrder[keyHead] = key
                keyHead = (keyHead + 1) % TelemetryReader.duplicateWindow
            }
            if lap == 32768 {
                ledger.record(
                    file: name, kind: TelemetryReader.kind, reason: "lap counter lost (32768)", row: row, field: "lap",
                    detail: "lap 32768 kept as lap 0 (unknown)")
                lap = 0
            }
            return TelemetrySample(
                vehicleID: vehicleID, lap: lap, metaTimeMs: metaTime, ecuTimeMs: ecuTime, channel: channel, value: value
            )
        }

        /// True when `fields` equals one of the last `duplicateWindow` rows; remembers it otherwise.
        private mutating func isRecentDuplicate(_ fields: [String]) -> Bool {
            if recentRows.contains(fields) { return true }
            recentRows.insert(fields)
            if recentOrder.count < TelemetryReader.duplicateWindow {
                recentOrder.append(fields)
            } else {
                recentRows.remove(recentOrder[recentHead])
                recentOrder[recentHead] = fields
                recentHead = (recentHead + 1) % TelemetryReader.duplicateWindow
            }
            return false
        }
    }
}
