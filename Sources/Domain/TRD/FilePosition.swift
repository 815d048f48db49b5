/// Where a reader stopped in a file: the byte offset just past the last whole line it read, and that line's
/// number (header = line 1), so a later pass resumes there with row numbers that still match the file.
public struct FilePosition: Sendable, Equatable {
    public var offset: Int64
    public var line: Int

    public init(offset: Int64, line: Int) {
        self.offset = offset
        self.line = line
    }
}
