/// Maps Swift optionals to the proto's "missing" conventions and back: NaN for doubles, a documented
/// sentinel (0 or -1) for integers. Integers wider than the field are clamped, not wrapped.
///
/// The mapping is lossy in one direction: `.some(sentinel)` and `.some(.nan)` decode as nil.
enum WireScalar {
    /// `car_number` when the race number is unknown (the proto documents it on `CarFrame`; used everywhere).
    static let unknownCarNumber: Int32 = -1

    static func double(_ value: Double?) -> Double { value ?? .nan }

    static func optional(_ raw: Double) -> Double? { raw.isNaN ? nil : raw }

    static func int32(_ value: Int) -> Int32 { Int32(clamping: value) }

    static func int32(_ value: Int?, unknown: Int32) -> Int32 { value.map { Int32(clamping: $0) } ?? unknown }

    static func optional(_ raw: Int32, unknown: Int32) -> Int? { raw == unknown ? nil : Int(raw) }

    static func int64(_ value: Int64?, unknown: Int64 = 0) -> Int64 { value ?? unknown }

    static func optional(_ raw: Int64, unknown: Int64 = 0) -> Int64? { raw == unknown ? nil : raw }

    static func uint32(_ value: Int) -> UInt32 { UInt32(clamping: value) }

    static func uint64(_ value: Int) -> UInt64 { UInt64(clamping: value) }

    static func int(_ raw: UInt64) -> Int { Int(clamping: raw) }

    static func bool(_ value: Bool) -> Int32 { value ? 1 : 0 }
}
