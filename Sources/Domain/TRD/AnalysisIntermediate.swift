/// One intermediate timing point of a lap in an Al Kamel `23_` file: a `<point>_time` / `<point>_elapsed` column
/// pair, in header order.
///
/// The points split the lap: `IM1a`, `IM1` (end of sector 1), `IM2a`, `IM2` (end of sector 2), `IM3a`, `FL` (the
/// finish line). `timeMs` is the time from the previous point (the line, for the first), `elapsedMs` the time
/// into the lap, so `IM1a + IM1 = S1`, `IM2a + IM2 = S2`, `IM3a + FL = S3`, and `FL`'s elapsed is the lap time —
/// in every complete row of the 14 races' files. Sonoma writes `INT-1`/`INT-2` where the others write `IM1`/`IM2`
/// (SOURCES.md item 35); `point` is the common name, `column` the file's. A time is nil where the file leaves
/// it empty (a point the loop missed, and the point after it, which has no start).
public struct AnalysisIntermediate: Codable, Sendable, Equatable {
    /// `IM1a`, `IM1`, `IM2a`, `IM2`, `IM3a`, `FL` (`INT-n` read as `IMn`).
    public var point: String
    /// The column name's stem as the file writes it (`INT-1`).
    public var column: String
    public var timeMs: Int64?
    public var elapsedMs: Int64?

    public init(point: String, column: String, timeMs: Int64?, elapsedMs: Int64?) {
        self.point = point
        self.column = column
        self.timeMs = timeMs
        self.elapsedMs = elapsedMs
    }

    /// The common name of a column stem: `INT-1` → `IM1`; anything else as it is.
    public static func pointName(_ stem: String) -> String {
        let upper = stem.uppercased()
        if upper.hasPrefix("INT-"), let number = Int(stem.dropFirst(4)) { return "IM\(number)" }
        return stem
    }
}
