/// The one rule every TRD reader applies to a row whose field count differs from its header's.
///
/// No organiser file has such a row (all 137 files of `shared/data/trd`, checked with a quote-aware split
/// once the trailing separator of the indianapolis and Al Kamel-site files is dropped), so each one is a
/// damaged or foreign line and is counted under the reader's kind, naming the file, the row and the first
/// field concerned:
/// - `trailingEmptyReason` — more fields than the header, every extra one empty (a stray separator at the end
///   of the line). Nothing is lost; the row is kept.
/// - `unreadMissingReason` — fewer fields than the header, but every column the reader uses is there (the
///   missing ones are not read, e.g. `expire_at` or `vehicle_number` behind the columns read). Kept.
/// - `shortReason` — fewer fields than the header and a column the reader uses is missing. A short line is
///   most likely cut (a writer stopped mid-line), so even its last present field may be partial: dropped.
/// - `longReason` — more fields than the header with a non-empty extra one: a separator inside a value shifts
///   every column after it, and which one cannot be told. Dropped.
public enum FieldCountRule {
    public static let trailingEmptyReason = "trailing empty field (kept)"
    public static let unreadMissingReason = "too few fields, only columns not read are missing (kept)"
    public static let shortReason = "too few fields (row dropped)"
    public static let longReason = "too many fields (row dropped)"

    /// What to do with one row, and the ledger entry to make (nil for a row of the header's width).
    public struct Verdict: Equatable, Sendable {
        public var keep: Bool
        public var reason: String?
        public var field: String?
        public var detail: String?
    }

    /// - Parameters:
    ///   - fields: the row's field count, a trailing separator already dropped as the header's was.
    ///   - header: the header's names.
    ///   - needed: one past the highest column index the reader uses.
    ///   - extraEmpty: true when every field past the header's width is empty (asked only for a long row).
    public static func verdict(fields: Int, header: [String], needed: Int, extraEmpty: () -> Bool) -> Verdict {
        let width = header.count
        if fields == width { return Verdict(keep: true) }
        let counts = "\(fields) fields, the header has \(width)"
        if fields < width {
            let missing = header[fields]
            if fields >= needed {
                return Verdict(
                    keep: true, reason: unreadMissingReason, field: missing,
                    detail: "\(counts); '\(missing)' and after are missing and not read; row kept")
            }
            return Verdict(
                keep: false, reason: shortReason, field: missing,
                detail: "\(counts); '\(missing)' and after are missing (a cut line?); row dropped")
        }
        let extra = "#\(width + 1)"
        if extraEmpty() {
            return Verdict(
                keep: true, reason: trailingEmptyReason, field: extra,
                detail: "\(counts); the \(fields - width) extra field(s) at the end are empty; row kept")
        }
        return Verdict(
            keep: false, reason: longReason, field: extra,
            detail: "\(counts); a separator inside a value shifts the columns after it; row dropped")
    }
}
