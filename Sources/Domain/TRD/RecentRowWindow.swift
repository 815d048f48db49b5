import Foundation

/// Remembers the last `capacity` distinct rows (as canonical bytes) to spot exact repeats, without a `String`
/// per field and without allocating once warm.
///
/// A row's key is its fields joined by the file's delimiter (for an unquoted line: the line itself), so two
/// rows are the same key exactly when their field lists are equal. Rows are found by a 64-bit hash and then
/// compared byte for byte; a repeat is not stored again, so each slot holds a different row and the oldest
/// is forgotten first, as `TelemetryReader` always did with a `Set<[String]>`.
///
/// The hash index is an open-addressing table (linear probing, at most half full, backward-shift deletion)
/// of slot numbers, so a look-up costs one hash of the row and usually one probe. Copies share that index:
/// keep one copy.
struct RecentRowWindow {
    let capacity: Int
    /// Slot → the row's bytes; slots are reused in ring order, their arrays keep their capacity.
    private var rows: [[UInt8]] = []
    /// Slot → its row's hash, and the hash table of slot numbers (-1 = empty; a power of two ≥ 2 × capacity
    /// cells), in fixed memory written without copy-on-write checks.
    private let index: Index
    private var hashes: UnsafeMutablePointer<UInt64> { index.hashes }
    private var table: UnsafeMutablePointer<Int32> { index.table }
    private let mask: Int
    private var oldest = 0

    /// Owns the fixed arrays of the hash index.
    private final class Index {
        let hashes: UnsafeMutablePointer<UInt64>
        let table: UnsafeMutablePointer<Int32>

        init(slots: Int, cells: Int) {
            hashes = .allocate(capacity: slots)
            hashes.initialize(repeating: 0, count: slots)
            table = .allocate(capacity: cells)
            table.initialize(repeating: -1, count: cells)
        }

        deinit {
            hashes.deallocate()
            table.deallocate()
        }
    }

    init(capacity: Int) {
        precondition(capacity > 0 && capacity < Int(Int32.max) / 4, "RecentRowWindow capacity out of range")
        self.capacity = capacity
        var size = 16
        while size < capacity * 2 { size *= 2 }
        index = Index(slots: capacity, cells: size)
        mask = size - 1
    }

    /// True when `key` is one of the remembered rows; otherwise remembers it (forgetting the oldest when full).
    mutating func isRepeat(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let hash = RecentRowWindow.hash(key)
        var position = Int(truncatingIfNeeded: hash) & mask
        while table[position] >= 0 {
            let slot = Int(table[position])
            if hashes[slot] == hash, RecentRowWindow.same(rows[slot], key) { return true }
            position = (position + 1) & mask
        }

        // `position` is the empty cell at the end of this hash's probe run: the new row goes there.
        let slot: Int
        if rows.count < capacity {
            slot = rows.count
            rows.append(Array(key))
            hashes[slot] = hash
        } else {
            slot = oldest
            oldest = (oldest + 1) % capacity
            remove(slot: slot)
            rows[slot].removeAll(keepingCapacity: true)
            rows[slot].append(contentsOf: key)
            hashes[slot] = hash
            // The removal may have shifted cells: find the empty cell again.
            position = Int(truncatingIfNeeded: hash) & mask
            while table[position] >= 0 { position = (position + 1) & mask }
        }
        table[position] = Int32(slot)
        return false
    }

    /// Takes `slot` out of the table, shifting later cells of the run back so no probe run is broken.
    private mutating func remove(slot: Int) {
        var position = Int(truncatingIfNeeded: hashes[slot]) & mask
        while Int(table[position]) != slot { position = (position + 1) & mask }

        var hole = position
        var next = (hole + 1) & mask
        while table[next] >= 0 {
            let home = Int(truncatingIfNeeded: hashes[Int(table[next])]) & mask
            // The cell at `next` may move into the hole when its home is not in (hole, next] cyclically.
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToNext {
                table[hole] = table[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        table[hole] = -1
    }

    private static func same(_ stored: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == key.count else { return false }
        guard let keyBase = key.baseAddress, !key.isEmpty else { return true }
        return stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, keyBase, key.count) == 0 }
    }

    /// A fast 64-bit hash of a byte string (eight bytes at a time, multiply-xorshift mixing).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var state: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return state }
        let raw = UnsafeRawPointer(base)
        var offset = 0

        while offset + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            state = (state ^ word) &* multiplier
            state ^= state >> 29
            offset += 8
        }
        var last: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            last |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        state = (state ^ last) &* multiplier
        state ^= state >> 32
        state = state &* multiplier
        return state ^ (state >> 29)
    }
}
