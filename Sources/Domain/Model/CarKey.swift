/// How a car is named in topics and store keys: its race number when known, else its vehicle id.
/// (`GR86-002-000` has no public race number after anonymisation, so it keeps its id.)
public enum CarKey {
    public static func of(vehicleID: String, carNumber: Int?) -> String {
        if let carNumber { return String(carNumber) }
        return vehicleID.isEmpty ? "unknown" : vehicleID
    }
}
