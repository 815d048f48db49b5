/// Helpers for `GR86-<chassis>-<car>` vehicle ids.
public enum VehicleID {
    /// The race number in the id's last segment (`GR86-022-13` → 13, `GR86-062-012` → 12);
    /// nil for `000`/`0`, which the feed uses for an anonymised car, and for ids without digits.
    public static func carNumber(from vehicleID: String) -> Int? {
        guard let last = vehicleID.split(separator: "-").last, !last.isEmpty,
            last.allSatisfy({ $0.isNumber }), let number = Int(last), number > 0
        else { return nil }
        return number
    }
}
