/// The rate limit on warnings about bad input from peers — malformed frames, refused Hellos, junk on the
/// control socket. A fuzzer or a broken plugin can send thousands a second and the log must stay readable
/// at 2 am, yet every kind of trouble must show up. Per reason and window (`windowMs`): the first bad input
/// of each peer is logged, up to `linesPerWindow` lines in all; the rest are only counted, and when the
/// window closes one summary line per reason says how many were left out and from how many peers.
///
/// A value type driven by the caller's clock: the host asks `admit` before logging a line and logs what
/// `closeWindow` returns.
struct BadInputLog {
    /// The warnings of one reason left out during a window.
    struct Summary: Equatable {
        let reason: String
        let suppressed: Int
        /// Distinct peers among them (counted up to `peerLimit`).
        let peers: Int
        let windowMs: Int64
    }

    let windowMs: Int64
    let linesPerWindow: Int
    /// Peers remembered per reason and window, so a flood of fresh identities cannot grow memory.
    static let peerLimit = 1024
    private var windowStartMs: Int64?
    /// Peers already logged in this window, per reason.
    private var logged: [String: Set<String>] = [:]
    private var suppressed: [String: Int] = [:]
    private var suppressedPeers: [String: Set<String>] = [:]

    init(windowMs: Int64 = 60_000, linesPerWindow: Int = 10) {
        self.windowMs = windowMs
        self.linesPerWindow = linesPerWindow
    }

    /// Whether to log this bad input now; otherwise it is counted for the window's summary. Call
    /// `closeWindow` first, so a window that has passed is summarised before a new one starts.
    mutating func admit(peer: String, reason: String, nowMs: Int64) -> Bool {
        if windowStartMs == nil { windowStartMs = nowMs }
        var peers = logged[reason, default: []]
        if !peers.contains(peer) && peers.count < linesPerWindow {
            peers.insert(peer)
            logged[reason] = peers
            return true
        }
        suppressed[reason, default: 0] += 1
        if suppressedPeers[reason, default: []].count < Self.peerLimit {
            suppressedPeers[reason, default: []].insert(peer)
        }
        return false
    }

    /// The summaries of a window that has passed (or of the current one when `force`: the host is stopping),
    /// one per reason with something left out; the next bad input starts a new window.
    mutating func closeWindow(nowMs: Int64, force: Bool = false) -> [Summary] {
        guard let start = windowStartMs, force || nowMs - start >= windowMs else { return [] }
        let summaries = suppressed.keys.sorted().map { reason in
            Summary(
                reason: reason, suppressed: suppressed[reason] ?? 0, peers: suppressedPeers[reason]?.count ?? 0,
                windowMs: nowMs - start)
        }
        windowStartMs = nil
        logged.removeAll()
        suppressed.removeAll()
        suppressedPeers.removeAll()
        return summaries
    }
}
