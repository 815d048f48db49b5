/// How many rows of one file were rejected or repaired for one reason (the ledger, as JSON).
public struct ReportRowIssue: Codable, Sendable, Equatable {
    public var file: String
    public var kind: String
    public var reason: String
    public var count: Int

    public init(file: String, kind: String, reason: String, count: Int) {
        self.file = file
        self.kind = kind
        self.reason = reason
        self.count = count
    }

    public init(_ count: BadRowCount) {
        self.init(file: count.file, kind: count.kind, reason: count.reason, count: count.count)
    }
}
