/// Counters the host keeps for the summary and `ctl status`.
struct HostStatistics {
    var callsDispatched = 0
    var callsFailed = 0
    var retries = 0
    var expired = 0
    var predictions = 0
    var framesStored = 0
    var badFrames = 0
    /// Replies that settled nothing: their attempt had been given up (worker lost) or settled already.
    var lateReplies = 0
    /// Messages on the control socket that were not one JSON request in a REQ or DEALER envelope.
    var badControlRequests = 0
    /// Worker Hellos refused for breaking the protocol's rules (`HelloRules`).
    var refusedHellos = 0
    var storeErrors = 0
    /// Calls held because their plugin could not reach the store (not counted as attempts).
    var heldForStore = 0
    /// Spooled writes the store refused or that did not decode, skipped when the spool drained.
    var spoolRejected = 0
    /// Plugins marked FAILED (restart intensity exceeded).
    var pluginsFailed = 0
    var wallSeconds = 0.0
}
