/// Lap and race times as an engineer reads them: `1:38.326`, `0:59.471`, `1:02:03.004`.
public enum LapTimeText {
    /// `m:ss.fff` (with hours, `h:mm:ss.fff`, from one hour up); nil stays nil.
    public static func format(_ ms: Int64?) -> String? {
        guard let ms else { return nil }
        return format(ms)
    }

    /// `m:ss.fff`; negative values get a leading `-`.
    public static func format(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let value = abs(ms)
        let millis = value % 1_000
        let seconds = (value / 1_000) % 60
        let minutes = (value / 60_000) % 60
        let hours = value / 3_600_000
        let tail = "\(pad(seconds, 2)).\(pad(millis, 3))"
        if hours > 0 { return "\(sign)\(hours):\(pad(minutes, 2)):\(tail)" }
        return "\(sign)\(minutes):\(tail)"
    }

    /// `+0.156`, `-1.204`, `+1:02.003`: a signed difference.
    public static func delta(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : "+"
        let value = abs(ms)
        guard value >= 60_000 else { return "\(sign)\(value / 1_000).\(pad(value % 1_000, 3))" }
        return sign + format(value)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
