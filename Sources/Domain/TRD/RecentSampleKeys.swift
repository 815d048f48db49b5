/// Remembers the last `capacity` distinct (vehicle, ECU timestamp, channel) keys of a telemetry file with the
/// value and file line first read for each, so a later row with the same key can be told apart as a repeat
/// (same value) or a conflict (another value) — SOURCES.md item 22 — in fixed memory.
///
/// A key that is already remembered is not stored again, and the oldest key is forgotten first, as in
/// `RecentRowWindow`. The index is an open-addressing table (linear probing, at most half full, backward-shift
/// deletion) of slot numbers in fixed arrays. Copies share the arrays: keep one copy.
struct RecentSampleKeys {
    /// What was first read for a key.
    struct First: Equatable {
        var value: Double
        var row: Int
    }

    let capacity: Int
    private let storage: Storage
    private let mask: Int
    private var count = 0
    private var oldest = 0

    /// Owns the fixed arrays: per slot the key (ECU time, vehicle, channel), its hash, the first value and row;
    /// and the hash table of slot numbers (-1 = empty).
    private final class Storage {
        let ecuTimes: UnsafeMutablePointer<Int64>
        let vehicles: UnsafeMutablePointer<UInt64>
        let channels: UnsafeMutablePointer<Int32>
        let hashes: UnsafeMutablePointer<UInt64>
        let values: UnsafeMutablePointer<Double>
        let rows: UnsafeMutablePointer<Int>
        let table: UnsafeMutablePointer<Int32>
        let slots: Int
        let cells: Int

        init(slots: Int, cells: Int) {
            self.slots = slots
            self.cells = cells
            ecuTimes = .allocate(capacity: slots)
            ecuTimes.initialize(repeating: 0, count: slots)
            vehicles = .allocate(capacity: slots)
            vehicles.initialize(repeating: 0, count: slots)
            channels = .allocate(capacity: slots)
            channels.initialize(repeating: 0, count: slots)
            hashes = .allocate(capacity: slots)
            hashes.initialize(repeating: 0, count: slots)
            values = .allocate(capacity: slots)
            values.initialize(repeating: 0, count: slots)
            rows = .allocate(capacity: slots)
            rows.initialize(repeating: 0, count: slots)
            table = .allocate(capacity: cells)
            table.initialize(repeating: -1, count: cells)
        }

        deinit {
            ecuTimes.deallocate()
            vehicles.deallocate()
            channels.deallocate()
            hashes.deallocate()
            values.deallocate()
            rows.deallocate()
            table.deallocate()
        }
    }

    init(capacity: Int) {
        precondition(capacity > 0 && capacity < Int(Int32.max) / 4, "RecentSampleKeys capacity out of range")
        self.capacity = capacity
        var size = 16
        while size < capacity * 2 { size *= 2 }
        storage = Storage(slots: capacity, cells: size)
        mask = size - 1
    }

    /// The value and row first read for this key when it is remembered; otherwise nil, and the key is remembered
    /// with `value` and `row` (forgetting the oldest key when full).
    ///
    /// `vehicle` is any number that is equal for equal vehicle ids and different otherwise (the scanner passes
    /// the vehicle's index in its table of interned ids).
    mutating func firstRead(vehicle: UInt64, ecuTimeMs: Int64, channel: Int32, value: Double, row: Int) -> First? {
        let s = storage
        let hash = Self.hash(vehicle: vehicle, ecuTimeMs: ecuTimeMs, channel: channel)
        var position = Int(truncatingIfNeeded: hash) & mask
        while s.table[position] >= 0 {
            let slot = Int(s.table[position])
            if s.hashes[slot] == hash, s.ecuTimes[slot] == ecuTimeMs, s.vehicles[slot] == vehicle,
                s.channels[slot] == channel
            {
                return First(value: s.values[slot], row: s.rows[slot])
            }
            position = (position + 1) & mask
        }

        let slot: Int
        if count < capacity {
            slot = count
            count += 1
        } else {
            slot = oldest
            oldest = (oldest + 1) % capacity
            remove(slot: slot)
            // The removal may have shifted cells: find the empty cell at the end of this hash's run again.
            position = Int(truncatingIfNeeded: hash) & mask
            while s.table[position] >= 0 { position = (position + 1) & mask }
        }
        s.ecuTimes[slot] = ecuTimeMs
        s.vehicles[slot] = vehicle
        s.channels[slot] = channel
        s.hashes[slot] = hash
        s.values[slot] = value
        s.rows[slot] = row
        s.table[position] = Int32(slot)
        return nil
    }

    /// Takes `slot` out of the table, shifting later cells of its run back so no probe run is broken.
    private mutating func remove(slot: Int) {
        let s = storage
        var position = Int(truncatingIfNeeded: s.hashes[slot]) & mask
        while Int(s.table[position]) != slot { position = (position + 1) & mask }

        var hole = position
        var next = (hole + 1) & mask
        while s.table[next] >= 0 {
            let home = Int(truncatingIfNeeded: s.hashes[Int(s.table[next])]) & mask
            if (hole - home) & mask < (next - home) & mask {
                s.table[hole] = s.table[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        s.table[hole] = -1
    }

    /// Multiply-xorshift mix of the three key parts.
    static func hash(vehicle: UInt64, ecuTimeMs: Int64, channel: Int32) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var state = (UInt64(bitPattern: ecuTimeMs) ^ 0x243F_6A88_85A3_08D3) &* multiplier
        state ^= state >> 29
        state = (state ^ vehicle ^ (UInt64(UInt32(bitPattern: channel)) << 40)) &* multiplier
        state ^= state >> 32
        state = state &* multiplier
        return state ^ (state >> 29)
    }
}
