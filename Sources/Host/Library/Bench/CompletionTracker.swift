import Foundation
import RoadSenseStore

/// Counts finished calls (reported on the host thread) and lets the benchmark thread wait for a total.
final class CompletionTracker: @unchecked Sendable {
    private let condition = NSCondition()
    private var finished = 0
    private var failures = 0
    private var roundTrips: [Double] = []
    private var recording = false

    func callFinished(_ id: String, _ state: CallRecord.State) {
        condition.lock()
        finished += 1
        if state != .succeeded { failures += 1 }
        condition.broadcast()
        condition.unlock()
    }

    /// Host round trips (ns) are kept only while `recordRoundTrips` is on.
    func roundTrip(_ nanoseconds: UInt64) {
        condition.lock()
        if recording { roundTrips.append(Double(nanoseconds) / 1000) }
        condition.unlock()
    }

    var recordRoundTrips: Bool {
        get {
            condition.lock()
            defer { condition.unlock() }
            return recording
        }
        set {
            condition.lock()
            recording = newValue
            if newValue { roundTrips.removeAll() }
            condition.unlock()
        }
    }

    var roundTripsUs: [Double] {
        condition.lock()
        defer { condition.unlock() }
        return roundTrips
    }

    /// Waits until `count` calls in all have finished; false on timeout.
    func wait(untilTotal count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while finished < count {
            if !condition.wait(until: deadline) { return finished >= count }
        }
        return true
    }

    var total: Int {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    var failed: Int {
        condition.lock()
        defer { condition.unlock() }
        return failures
    }
}
