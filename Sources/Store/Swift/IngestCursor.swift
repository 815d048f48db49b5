/// How far the ingest plugin has read one external file.
///
/// A telemetry cursor resumes at `position` (the byte offset just past the last whole line read, and that
/// line's number for row numbers in errors); `inode` and `tailHash` (a hash of up to 64 bytes just before the
/// offset) tell a file that grew from one that was replaced, truncated or rewritten, which is read again from
/// the start. Cursors written before migration 10, and the weather plugin's, have no position.
public struct IngestCursor: Sendable, Equatable {
    /// The file's absolute path (the natural key).
    public var file: String
    /// The file's size when it was last read; an unchanged size (and inode) means nothing new.
    public var bytes: Int64
    /// Rows (telemetry samples or weather readings) taken from it so far.
    public var rows: Int
    public var updatedMs: Int64
    /// Byte offset past the last whole line read, and that line's number (header = line 1).
    public var offset: Int64?
    public var line: Int?
    /// `st_ino` of the file when it was read.
    public var inode: UInt64?
    /// Hash of the bytes `[offset − 64, offset)` (fewer at the start of the file).
    public var tailHash: UInt64?

    public init(
        file: String, bytes: Int64, rows: Int, updatedMs: Int64, offset: Int64? = nil, line: Int? = nil,
        inode: UInt64? = nil, tailHash: UInt64? = nil
    ) {
        self.file = file
        self.bytes = bytes
        self.rows = rows
        self.updatedMs = updatedMs
        self.offset = offset
        self.line = line
        self.inode = inode
        self.tailHash = tailHash
    }
}
