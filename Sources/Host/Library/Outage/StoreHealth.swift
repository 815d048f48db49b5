/// Whether the host can reach its store, as a value-type state machine on injected wall times.
///
/// `up` → `down` when a store call fails with `unavailable` (`failed`). While down, the host writes nothing to
/// the store and probes it when `probeDue`: each failed probe doubles the wait, from `baseDelayMs` up to
/// `maxDelayMs`, with "equal jitter" (half the wait fixed, half drawn from `jitter` in 0..<1) so hosts that
/// lost one server do not all knock at once. A probe that answers ends the outage (`recovered`).
struct StoreHealth: Equatable {
    static let baseDelayMs: Int64 = 250
    static let maxDelayMs: Int64 = 5000

    /// When the current outage began; nil while the store is reachable.
    private(set) var downSinceMs: Int64?
    /// The error that began the outage, or the last failed probe's.
    private(set) var lastError = ""
    /// Outages since the host started, and the length of the last one that ended.
    private(set) var outages = 0
    private(set) var lastOutageMs: Int64 = 0
    /// Probes that failed in a row during this outage.
    private(set) var failedProbes = 0
    private(set) var nextProbeMs: Int64 = 0

    var isDown: Bool { downSinceMs != nil }

    /// A store call failed with `unavailable` at `nowMs`; true when this began an outage.
    @discardableResult
    mutating func failed(_ error: String, nowMs: Int64, jitter: Double) -> Bool {
        lastError = error
        guard downSinceMs == nil else { return false }
        downSinceMs = nowMs
        outages += 1
        failedProbes = 0
        nextProbeMs = nowMs + Self.delay(afterFailures: 0, jitter: jitter)
        return true
    }

    func probeDue(nowMs: Int64) -> Bool { isDown && nowMs >= nextProbeMs }

    /// A probe failed: the next one waits longer (capped).
    mutating func probeFailed(_ error: String, nowMs: Int64, jitter: Double) {
        guard isDown else { return }
        lastError = error
        failedProbes += 1
        nextProbeMs = nowMs + Self.delay(afterFailures: failedProbes, jitter: jitter)
    }

    /// The store answered; returns how long the outage lasted, or nil if there was none.
    @discardableResult
    mutating func recovered(nowMs: Int64) -> Int64? {
        guard let since = downSinceMs else { return nil }
        downSinceMs = nil
        lastOutageMs = nowMs - since
        failedProbes = 0
        return lastOutageMs
    }

    /// The wait before the next probe after `failures` failed probes: `min(max, base · 2^failures)`, half of it
    /// fixed and half scaled by `jitter` (0..<1).
    static func delay(afterFailures failures: Int, jitter: Double) -> Int64 {
        let ceiling = min(maxDelayMs, baseDelayMs << Int64(min(failures, 16)))
        let half = ceiling / 2
        return half + Int64((Double(ceiling - half) * min(max(jitter, 0), 1)).rounded(.down))
    }
}
