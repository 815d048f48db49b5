import Foundation
import RoadSenseProtocol

/// What a handler knows about the call it is running.
public struct CallContext: Sendable {
    public let callID: String
    public let method: String
    public let attempt: UInt32
    /// Absolute deadline, ms since the epoch; nil when the call has none.
    public let deadlineMs: Int64?
    public let metadata: [String: String]
    let cancellation: LockedFlag

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
