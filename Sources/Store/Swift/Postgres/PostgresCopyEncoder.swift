import RaceDomain

/// Builds a binary COPY stream (PostgreSQL's `FORMAT binary`: a signature, then per row a field count
/// and each field as a 4-byte length and its bytes, -1 for NULL, big-endian throughout), in chunks of
/// about `chunkBytes` so a million frames never sit in memory twice.
struct PostgresCopyEncoder {
    private(set) var chunks: [[UInt8]] = []
    private var current: [UInt8] = []
    let chunkBytes: Int

    init(chunkBytes: Int = 1 << 20) {
        self.chunkBytes = chunkBytes
        current.reserveCapacity(chunkBytes + 512)
        // "PGCOPY\n\377\r\n\0", flags 0, header extension length 0.
        current += [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
        append(UInt32(0))
        append(UInt32(0))
    }

    /// A frame in `StoreRows.frameColumns` order; the column types are TEXT, then BIGINT and DOUBLE
    /// PRECISION as in the schema.
    mutating func appendFrame(_ f: CarFrame) {
        append(UInt16(17))
        text(f.vehicleID)
        bigint(f.ecuTimeMs ?? f.timeMs)
        bigint(f.timeMs)
        bigint(f.carNumber.map(Int64.init))
        bigint(Int64(f.lap))
        for value in [f.lapDistanceM, f.speedKph, f.throttlePct, f.brakeFrontBar, f.brakeRearBar] { double(value) }
        bigint(f.gear.map(Int64.init))
        for value in [f.rpm, f.accelLongG, f.accelLatG, f.steeringDeg, f.latitudeDeg, f.longitudeDeg] { double(value) }
        if current.count >= chunkBytes { flush() }
    }

    /// The stream so far plus the trailer (field count -1).
    mutating func finish() -> [[UInt8]] {
        append(UInt16(0xFFFF))
        flush()
        return chunks
    }

    private mutating func flush() {
        chunks.append(current)
        current = []
        current.reserveCapacity(chunkBytes + 512)
    }

    private mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            append(UInt32(bytes.count))
            current.append(contentsOf: bytes)
        }
    }

    private mutating func bigint(_ value: Int64?) {
        guard let value else { return null() }
        append(UInt32(8))
        append(UInt64(bitPattern: value))
    }

    /// Non-finite values are stored as NULL, as `StoreValue.double` does.
    private mutating func double(_ value: Double?) {
        guard let value, value.isFinite else { return null() }
        append(UInt32(8))
        append(value.bitPattern)
    }

    private mutating func null() { append(UInt32(0xFFFF_FFFF)) }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { current.append(contentsOf: $0) }
    }
}
