/// One data row of a CSV file, split into fields.
public struct CSVRecord: Sendable, Equatable {
    /// 1-based line number in the file (the header is line 1, the first data row line 2).
    public var line: Int
    /// Field values, unquoted; surrounding spaces are kept (Al Kamel data rows have none).
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// The field at `index`, or "" when the row is shorter (a missing trailing field reads as empty).
    public subscript(_ index: Int?) -> String {
        guard let index, index >= 0, index < fields.count else { return "" }
        return fields[index]
    }
}
