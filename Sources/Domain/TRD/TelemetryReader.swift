import Foundation

/// Streams `TelemetrySample`s from a long-format telemetry file of any size in constant memory.
///
/// The work is done by `TelemetryRowScanner`, which parses each line's bytes in place (about 1 M rows/s on
/// one core, see BENCHMARKS.md); `Tests/DomainTests/ReferenceTelemetryReader.swift` keeps the earlier
/// `String`-per-field reader, and the tests check both give the same samples and the same ledger.
///
/// Columns are found by header name (`lap`, `meta_time`, `telemetry_name`, `telemetry_value`,
/// `timestamp`, `vehicle_id`). Rows are returned in file order (the feed writes them in reverse
/// time order; see `TelemetryPivot` for sorting). Bad rows go to the ledger under kind `telemetry`:
/// - a row of another width than the header: `FieldCountRule` (extra empty fields at the end, or missing columns
///   behind the six read, are kept; a row short of a column read, or with a non-empty extra field, is dropped).
/// - `unknown telemetry_name` — channel not in `knownChannels`; skipped.
/// - `empty telemetry_value` / `non-numeric telemetry_value` — skipped (NaN and infinities are non-numeric).
/// - `implausible <channel>` — a value outside the channel's range in `plausibleRanges`; skipped.
/// - `implausible timestamp` / `implausible meta_time` — an instant outside the years 2000–2100
///   (`TRDTime.plausibleInstantMs`); skipped.
/// - `lap counter lost (32768)` — kept, with lap 0 (= unknown).
/// - `duplicate row` — an exact repeat of one of the last `duplicateWindow` rows; skipped.
/// - `repeatedReason` / `conflictReason` — a good row whose (vehicle_id, timestamp, telemetry_name) is one of the
///   last `duplicateWindow` keys read (SOURCES.md item 22: the barber heads carry 71 such keys): the same value
///   again (another `meta_time`) is a repeat, another value a conflict. Either way the row read first is kept and
///   the later one skipped and counted, naming the first row and both values. First-read wins because a live
///   consumer has already published and stored it; the two readings differ little (accx_can 0.065 vs 0.07,
///   Steering_Angle 35.9 vs 33.5).
/// - `bad timestamp` / `bad meta_time` / `bad lap` / `missing vehicle_id` — skipped.
public struct TelemetryReader: Sequence {
    public static let kind = "telemetry"
    /// The channels the feed is known to send (names as written, case-sensitive).
    public static let knownChannels: Set<String> = [
        "speed", "gear", "nmot", "aps", "ath", "pbrake_f", "pbrake_r", "accx_can", "accy_can", "Steering_Angle",
        "VBOX_Long_Minutes", "VBOX_Lat_Min", "Laptrigger_lapdist_dls",
    ]
    /// Physically possible values per channel; a value outside is a sensor or feed fault, not a reading.
    /// Generous on purpose: the barber, sonoma and road-america heads (2025) span speed 67.8–136.8 km/h,
    /// nmot 4862–7220 rpm, aps 0–100 %, ath 18.8–100.03 %, pbrake_f 0–37.7 bar, pbrake_r 0–37.6 bar,
    /// accx_can −0.98–1.46 g, accy_can −1.00–1.01 g, gear 1–3, Steering_Angle −66.2–62.9°,
    /// VBOX_Lat_Min 33.529–33.533, VBOX_Long_Minutes −86.624 to −86.620, Laptrigger_lapdist_dls 2537–3729 m.
    ///
    /// | channel | range |
    /// |---|---|
    /// | `speed` | 0 … 400 km/h |
    /// | `nmot` | 0 … 12 000 rpm |
    /// | `aps`, `ath` | −5 … 110 % |
    /// | `pbrake_f`, `pbrake_r` | −5 … 300 bar |
    /// | `accx_can`, `accy_can` | −10 … 10 g |
    /// | `gear` | −1 … 8 |
    /// | `Steering_Angle` | −1000 … 1000° |
    /// | `VBOX_Lat_Min` | −90 … 90 |
    /// | `VBOX_Long_Minutes` | −180 … 180 |
    /// | `Laptrigger_lapdist_dls` | 0 … 30 000 m |
    public static let plausibleRanges: [String: ClosedRange<Double>] = [
        "speed": 0...400, "nmot": 0...12_000, "aps": -5...110, "ath": -5...110, "pbrake_f": -5...300,
        "pbrake_r": -5...300, "accx_can": -10...10, "accy_can": -10...10, "gear": -1...8,
        "Steering_Angle": -1000...1000, "VBOX_Lat_Min": -90...90, "VBOX_Long_Minutes": -180...180,
        "Laptrigger_lapdist_dls": 0...30_000,
    ]
    /// How many recent rows are remembered to spot exact duplicates (barber heads repeat within ~10 rows), and
    /// how many recent (vehicle, timestamp, channel) keys to spot repeated and conflicting readings (≤ 98 rows
    /// apart in the barber heads).
    public static let duplicateWindow = 4096
    /// Lines before a resume offset read again, silently, to fill the duplicate and repeated-reading windows
    /// (twice the window, so they hold the same rows as after one pass; about 1 MB of the real files).
    public static let resumeWarmUpLines = 2 * duplicateWindow
    /// Ledger reason: the same reading (vehicle, ECU timestamp, channel and value) as a recent row.
    public static let repeatedReason = "repeated reading (same vehicle, timestamp, channel and value)"
    /// Ledger reason: another value for the (vehicle, ECU timestamp, channel) of a recent row.
    public static let conflictReason = "conflicting value (same vehicle, timestamp and channel; first kept)"

    /// `knownChannels` in a fixed order; a channel's index here is its code inside the scanner.
    static let channelNames: [String] = [
        "speed", "gear", "nmot", "aps", "ath", "pbrake_f", "pbrake_r", "accx_can", "accy_can", "Steering_Angle",
        "VBOX_Long_Minutes", "VBOX_Lat_Min", "Laptrigger_lapdist_dls",
    ]
    static let channelBytes: [[UInt8]] = channelNames.map { Array($0.utf8) }
    static let channelRanges: [ClosedRange<Double>] = channelNames.map { plausibleRanges[$0]! }

    private let url: URL
    private let ledger: RowIssueLedger
    private let start: FilePosition?
    private let wholeLinesOnly: Bool

    /// Checks that the file opens and has the needed header columns.
    ///
    /// `from` resumes at a position an earlier pass's iterator reported (`Iterator.position`): the header is
    /// still read from the top for its columns, then reading goes on at that byte offset with row numbers
    /// counting from its line, so the cost of a pass is the new rows only (plus `resumeWarmUpLines` lines before
    /// the offset, read again silently so the duplicate and repeated-reading windows hold what one pass would). `wholeLinesOnly` leaves a last line without LF unread — a file still
    /// being written — for the next pass (`Iterator.unfinishedBytes`).
    /// - Throws: `TRDError` (`.fileMissing`, `.unreadable`, `.badHeader`).
    public init(url: URL, ledger: RowIssueLedger, from start: FilePosition? = nil, wholeLinesOnly: Bool = false)
        throws
    {
        self.url = url
        self.ledger = ledger
        self.start = start
        self.wholeLinesOnly = wholeLinesOnly
        _ = try TelemetryRowScanner(url: url, ledger: ledger, from: start, wholeLinesOnly: wholeLinesOnly)
    }

    /// Each iteration re-opens the file. An open failure after `init` yields an empty sequence.
    public func makeIterator() -> Iterator {
        Iterator(
            scanner: try? TelemetryRowScanner(url: url, ledger: ledger, from: start, wholeLinesOnly: wholeLinesOnly))
    }

    /// Reads every sample into an array (for files known to be small).
    public func readAll() -> [TelemetrySample] { Array(self) }

    /// Hands out the scanner's samples. Copies share the open file: iterate one copy only.
    public struct Iterator: IteratorProtocol {
        private var scanner: TelemetryRowScanner?

        init(scanner: TelemetryRowScanner?) { self.scanner = scanner }

        public mutating func next() -> TelemetrySample? { scanner?.next() }

        /// The file line of the sample `next()` returned last (header = line 1); 0 before the first.
        public var row: Int { scanner?.row ?? 0 }

        /// Just past the last whole line read: where a later pass resumes (`TelemetryReader(url:ledger:from:)`).
        public var position: FilePosition { scanner?.position ?? FilePosition(offset: 0, line: 0) }

        /// Bytes of an unfinished last line left unread (with `wholeLinesOnly`, once `next()` returned nil).
        public var unfinishedBytes: Int { scanner?.unfinishedBytes ?? 0 }

        /// Why reading stopped before the end of the file (a read error), if it did.
        public var readError: String? { scanner?.readError }
    }
}
