import Foundation
import RoadSenseProtocol

/// What a handler knows about the call it is running.
public struct CallContext: Sendable {
    public let callID: String
    public let method: String
    public let attempt: UInt32
    /// Absolute deadline, ms since the epoch; nil when the call has none.
    public let deadlineMs: Int64?
    /// The call's metadata, as sent.
    public let entries: CallMetadata
    let cancellation: LockedFlag

    /// One value per key (the last one sent). Built when asked for: most handlers never look.
    public var metadata: [String: String] { entries.dictionary }

    init(
        callID: String, method: String, attempt: UInt32, deadlineMs: Int64?, metadata: CallMetadata,
        cancellation: LockedFlag
    ) {
        self.callID = callID
        self.method = method
        self.attempt = attempt
        self.deadlineMs = deadlineMs
        self.entries = metadata
        self.cancellation = cancellation
    }

    /// True once the host sent Cancel for this call or its deadline passed; long handlers poll it and
    /// throw `PluginError(.deadlineExceeded, …)` or `(.cancelled, …)`.
    public var isCancelled: Bool {
        if cancellation.isSet { return true }
        if let deadlineMs { return Int64(Date().timeIntervalSince1970 * 1000) > deadlineMs }
        return false
    }

    /// True once the host sent Cancel for this call (its soft time limit), whatever this machine's clock says.
    public var cancelReceived: Bool { cancellation.isSet }
}
