/// Alert severity, in escalating order.
public enum Severity: Int, Sendable, Comparable, CaseIterable {
    case info = 1
    case warning = 2
    case critical = 3

    public var name: String {
        switch self {
        case .info: "info"
        case .warning: "warning"
        case .critical: "critical"
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}
