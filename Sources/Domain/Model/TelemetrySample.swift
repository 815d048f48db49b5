/// One raw row of the long-format telemetry feed: one channel of one car at one instant.
public struct TelemetrySample: Sendable, Equatable, Hashable {
    public var vehicleID: String
    /// Lap as reported by the car; 0 when unknown (the feed writes 32768 when the counter is lost).
    public var lap: Int
    /// Receiver clock (UTC), the clock the lap files also use.
    public var metaTimeMs: Int64
    /// The car's own clock, which runs days behind `metaTimeMs`; only good for ordering within a car.
    public var ecuTimeMs: Int64
    /// `telemetry_name` as written by the feed, e.g. `speed`, `pbrake_f`, `Laptrigger_lapdist_dls`.
    public var channel: String
    public var value: Double

    public init(vehicleID: String, lap: Int, metaTimeMs: Int64, ecuTimeMs: Int64, channel: String, value: Double) {
        self.vehicleID = vehicleID
        self.lap = lap
        self.metaTimeMs = metaTimeMs
        self.ecuTimeMs = ecuTimeMs
        self.channel = channel
        self.value = value
    }
}
