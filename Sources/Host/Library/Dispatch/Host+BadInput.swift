import RoadSenseProtocol

/// Warnings about bad input from peers go through `BadInputLog`: one line per peer and reason, at most ten
/// per reason a minute, then a summary line with the count left out. Every bad input is still counted in
/// `ctl status` by the caller.
extension Host {
    func warnBadInput(_ reason: String, peer identity: [UInt8], _ metadata: KeyValuePairs<String, Any> = [:]) {
        let now = wallNowMs()
        flushBadInputWarnings()
        let peer = Self.printable(identity)
        guard badInputLog.admit(peer: peer, reason: reason, nowMs: now) else { return }
        logger.log(.warning, reason, fields: [("peer", peer)] + metadata.map { ($0.key, $0.value) })
    }

    /// Logs a summary for each reason whose window has passed (all of them when `force`: the host stops).
    func flushBadInputWarnings(force: Bool = false) {
        for summary in badInputLog.closeWindow(nowMs: wallNowMs(), force: force) {
            logger.warning(
                "bad input from peers: \(summary.suppressed) more warnings of this kind were not logged",
                [
                    "reason": summary.reason, "suppressed": summary.suppressed, "peers": summary.peers,
                    "window_ms": summary.windowMs,
                ])
        }
    }
}
