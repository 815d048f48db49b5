import Foundation
import RaceDomain
import RoadSenseProtocol

/// A plugin's domain work. The runtime calls `handle` one call at a time — on one dedicated work thread, or
/// for `inlineMethods` on the socket thread while the work thread is idle — so a service may keep state (a
/// store connection, a telemetry pivot) without locks.
public protocol PluginService: AnyObject {
    /// Service name, the part before the dot in method names: `telemetry`.
    var name: String { get }
    /// Fully qualified methods served: `telemetry.ProcessLive`.
    var methods: [String] { get }
    /// Called once on the work thread before the first call (open the store, load models).
    func start(options: PluginOptions, logger: Logger) throws
    /// Runs one call; returns the response payload or throws `PluginError`.
    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8]
    /// Methods that always finish in well under a millisecond. The runtime runs such a call on the socket
    /// thread itself when the work thread is idle, which saves two thread hand-offs per call; while it runs,
    /// no heartbeat or Cancel is handled, so never list a method that can take longer. Calls are still run
    /// one at a time. Default: none.
    var inlineMethods: Set<String> { get }
}

extension PluginService {
    public var inlineMethods: Set<String> { [] }
}
