/// One value for a bound parameter, for either store. Non-finite doubles are stored as NULL.
public enum StoreValue: Equatable, Sendable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public static func int(_ v: Int?) -> StoreValue? { v.map { .integer(Int64($0)) } }
    public static func int64(_ v: Int64?) -> StoreValue? { v.map { .integer($0) } }
    public static func double(_ v: Double?) -> StoreValue? { v.flatMap { $0.isFinite ? .real($0) : nil } }
    public static func string(_ v: String?) -> StoreValue? { v.map { .text($0) } }
    public static func bool(_ v: Bool) -> StoreValue? { .integer(v ? 1 : 0) }
}
public typealias SQLiteValue = StoreValue
