import RaceDomain
import RoadSenseWireC

/// Response of `ingest.IngestExternal`: what one pass over the source found and stored.
public struct IngestResult: Sendable, Equatable {
    public var filesScanned: Int
    /// Files that had grown since the last pass.
    public var filesRead: Int
    /// Rows taken: telemetry samples and weather readings.
    public var rowsNew: Int
    public var framesStored: Int
    public var weatherStored: Int
    public var badRows: [BadRowCount]
    public var summary: String

    public init(
        filesScanned: Int, filesRead: Int, rowsNew: Int, framesStored: Int, weatherStored: Int,
        badRows: [BadRowCount], summary: String
    ) {
        self.filesScanned = filesScanned
        self.filesRead = filesRead
        self.rowsNew = rowsNew
        self.framesStored = framesStored
        self.weatherStored = weatherStored
        self.badRows = badRows
        self.summary = summary
    }
}

extension IngestResult: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__IngestResult> {
        CMessageCodec(
            roadsense__v1__ingest_result__init, roadsense__v1__ingest_result__get_packed_size,
            roadsense__v1__ingest_result__pack, roadsense__v1__ingest_result__unpack,
            roadsense__v1__ingest_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__IngestResult, in arena: WireArena) {
        message.files_scanned = WireScalar.uint32(filesScanned)
        message.files_read = WireScalar.uint32(filesRead)
        message.rows_new = WireScalar.uint64(rowsNew)
        message.frames_stored = WireScalar.uint32(framesStored)
        message.weather_stored = WireScalar.uint32(weatherStored)
        message.n_bad_rows = badRows.count
        message.bad_rows = arena.messages(badRows)
        message.summary = arena.string(summary)
    }

    init(unpacked message: Roadsense__V1__IngestResult) throws {
        self.init(
            filesScanned: Int(message.files_scanned), filesRead: Int(message.files_read),
            rowsNew: WireScalar.int(message.rows_new), framesStored: Int(message.frames_stored),
            weatherStored: Int(message.weather_stored),
            badRows: try WireReader.messages(message.n_bad_rows, message.bad_rows),
            summary: WireReader.string(message.summary))
    }
}
