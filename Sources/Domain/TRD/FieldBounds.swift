/// Two fixed arrays of field offsets for the scanner, written on every line without copy-on-write checks.
final class FieldBounds {
    let starts: UnsafeMutablePointer<Int>
    let ends: UnsafeMutablePointer<Int>

    init(count: Int) {
        starts = .allocate(capacity: count)
        ends = .allocate(capacity: count)
        starts.initialize(repeating: 0, count: count)
        ends.initialize(repeating: 0, count: count)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
    }
}
