/// When the host last heard from a car's telemetry feed.
public struct FeedStatus: Sendable, Equatable {
    public var vehicleID: String
    public var carNumber: Int?
    public var lastSampleMs: Int64

    public init(vehicleID: String, carNumber: Int?, lastSampleMs: Int64) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.lastSampleMs = lastSampleMs
    }
}
