import Foundation
import RaceDomain
import RoadSenseProtocol

/// A plugin's domain work. The runtime calls `handle` on one dedicated work thread, one call at a time,
/// so a service may keep state (a store connection, a telemetry pivot) without locks.
public protocol PluginService: AnyObject {
    /// Service name, the part before the dot in method names: `telemetry`.
    var name: String { get }
    /// Fully qualified methods served: `telemetry.ProcessLive`.
    var methods: [String] { get }
    /// Called once on the work thread before the first call (open the store, load models).
    func start(options: PluginOptions, logger: Logger) throws
    /// Runs one call; returns the response payload or throws `PluginError`.
    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8]
}
