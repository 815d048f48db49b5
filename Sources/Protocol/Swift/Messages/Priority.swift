/// How urgently the host should dispatch a call; `PRIORITY_UNSPECIFIED` and unknown numbers read as medium.
public enum Priority: Int, Sendable, CaseIterable, Comparable {
    case high = 1
    case medium = 2
    case low = 3

    public init(wireValue: Int) {
        self = Priority(rawValue: wireValue) ?? .medium
    }

    /// `high`, `medium` or `low`, as written in configuration files.
    public var name: String { String(describing: self) }

    /// The priority called `name` (`high`, `medium`, `low`; case-insensitive), or nil.
    public static func named(_ name: String) -> Priority? {
        allCases.first { $0.name == name.lowercased() }
    }

    /// Higher priority sorts first.
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
}
