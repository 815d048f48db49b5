/// The one error type of `RaceDomain`: something about a race-data file that stops it being read.
///
/// Bad rows are not errors (they go to a `RowIssueLedger`); a `TRDError` means a whole file or
/// directory could not be used. Equality is by code, file, row and field.
public struct TRDError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An extensible error code: add new ones as `static let` in an extension.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String

        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The file or directory does not exist.
        public static let fileMissing = Code("file_missing")
        /// The file exists but cannot be opened or read.
        public static let unreadable = Code("unreadable")
        /// The header line is missing or lacks a required column.
        public static let badHeader = Code("bad_header")
        /// A race directory lacks the files needed to load a race.
        public static let raceFilesMissing = Code("race_files_missing")
        /// Neither the analysis (timing sheet) nor the lap_end file gives a lap: there is no race to read.
        public static let noLapTiming = Code("no_lap_timing")
        /// No UTC reference exists to place local `HOUR` times on the UTC clock.
        public static let noTimeReference = Code("no_time_reference")
        /// The temporary file that sorts telemetry by time could not be made, written or read back.
        public static let spillFailed = Code("spill_failed")
    }

    public var code: Code
    /// What happened, in words.
    public var reason: String
    /// File or directory concerned (path as given).
    public var file: String
    /// 1-based file line number, when one row is at fault.
    public var row: Int?
    /// Column name, when one field is at fault.
    public var field: String?
    /// What the operator can do about it.
    public var remedy: String

    public init(code: Code, reason: String, file: String, row: Int? = nil, field: String? = nil, remedy: String = "") {
        self.code = code
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        self.remedy = remedy
    }

    public static func == (lhs: TRDError, rhs: TRDError) -> Bool {
        lhs.code == rhs.code && lhs.file == rhs.file && lhs.row == rhs.row && lhs.field == rhs.field
    }

    /// One line: `[code] reason — file 'x' row 12 field 'lap' — what to do`. Control characters anywhere in
    /// it are escaped (`TRDError.printable`), so file content quoted in `reason` cannot reach a terminal raw.
    public var description: String {
        var location = "file '\(file)'"
        if let row { location += " row \(row)" }
        if let field { location += " field '\(field)'" }
        var line = "[\(code.name)] \(reason) — \(location)"
        if !remedy.isEmpty { line += " — \(remedy)" }
        return Self.printable(line, limit: nil)
    }
}
