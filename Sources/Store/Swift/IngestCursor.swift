/// How far the ingest plugin has read one external file: files only grow, so rows past `rows` are new.
public struct IngestCursor: Sendable, Equatable {
    /// The file's absolute path (the natural key).
    public var file: String
    /// The file's size when it was last read; an unchanged size means nothing new.
    public var bytes: Int64
    /// Rows (telemetry samples) already taken from it, in file order.
    public var rows: Int
    public var updatedMs: Int64

    public init(file: String, bytes: Int64, rows: Int, updatedMs: Int64) {
        self.file = file
        self.bytes = bytes
        self.rows = rows
        self.updatedMs = updatedMs
    }
}
