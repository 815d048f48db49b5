import Foundation
import RoadSenseStore

/// Counts finished calls (reported on the host thread) and lets the benchmark thread wait for a total.
final class CompletionTracker: @unchecked Sendable {
    private let condition = NSCondition()
    private var finished = 0
    private var failures = 0
    private var roundTrips: [Double] = []
    private var recording = false
    /// The total the waiting thread wants; it is woken when it is reached, not at every call before it (a
    /// wake-up per call would put the benchmark's own thread switches into the host's figures).
    private var awaited = Int.max
    private var queuedCalls = 0
    private var awaitedQueued = Int.max

    func callFinished(_ id: String, _ state: CallRecord.State) {
        condition.lock()
        finished += 1
        if state != .succeeded { failures += 1 }
        let reached = finished >= awaited
        condition.unlock()
        if reached { condition.broadcast() }
    }

    /// The host's queue length after it took in submitted calls.
    func queued(_ count: Int) {
        condition.lock()
        queuedCalls = count
        let reached = queuedCalls >= awaitedQueued
        condition.unlock()
        if reached { condition.broadcast() }
    }

    /// Waits until the host reports at least `count` calls queued; false on timeout.
    func wait(untilQueued count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer {
            awaitedQueued = .max
            condition.unlock()
        }
        awaitedQueued = count
        while queuedCalls < count {
            if !condition.wait(until: deadline) { return queuedCalls >= count }
        }
        return true
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
        defer {
            awaited = .max
            condition.unlock()
        }
        awaited = count
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
