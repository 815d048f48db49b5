import RoadSenseProtocol

/// How a method handler says a call failed: a status code (which decides whether the host retries)
/// and a reason for the person reading the log.
public struct PluginError: Error, CustomStringConvertible {
    public var status: StatusCode
    public var message: String

    public init(_ status: StatusCode, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.name): \(message)" }
}
