import RaceDomain

/// Builds a binary COPY stream (PostgreSQL's `FORMAT binary`: a signature, then per row a field count
/// and each field as a 4-byte length and its bytes, -1 for NULL, big-endian throughout). The caller takes
/// the bytes off in chunks (`isFull`, `take`) and sends each while encoding the next.
struct PostgresCopyEncoder {
    private var current: [UInt8] = []
    let chunkBytes: Int

    init(chunkBytes: Int = 64 << 10) {
        self.chunkBytes = chunkBytes
        current.reserveCapacity(chunkBytes + 512)
        // "PGCOPY\n\377\r\n\0", flags 0, header extension length 0.
        current += [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
        append(UInt32(0))
        append(UInt32(0))
    }

    /// Whether a chunk's worth of bytes is waiting to be taken.
    var isFull: Bool { current.count >= chunkBytes }

    /// The bytes encoded since the last `take`.
    mutating func take() -> [UInt8] {
        let chunk = current
        current.removeAll(keepingCapacity: true)
        return chunk
    }

    /// A frame of the vehicle stored as `vehicle`, in `StoreRows.frameColumns` order (BIGINT and DOUBLE
    /// PRECISION columns, as in the schema).
    mutating func appendFrame(_ f: CarFrame, vehicle: Int64) {
        append(UInt16(17))
        bigint(vehicle)
        bigint(f.ecuTimeMs ?? f.timeMs)
        bigint(f.timeMs)
        bigint(f.carNumber.map(Int64.init))
        bigint(Int64(f.lap))
        double(f.lapDistanceM)
        double(f.speedKph)
        double(f.throttlePct)
        double(f.brakeFrontBar)
        double(f.brakeRearBar)
        bigint(f.gear.map(Int64.init))
        double(f.rpm)
        double(f.accelLongG)
        double(f.accelLatG)
        double(f.steeringDeg)
        double(f.latitudeDeg)
        double(f.longitudeDeg)
    }

    /// The last bytes, with the trailer (field count -1).
    mutating func finish() -> [UInt8] {
        append(UInt16(0xFFFF))
        return take()
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
