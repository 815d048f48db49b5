/// The latest known value of every channel of one car at one instant; nil = not seen yet.
public struct CarFrame: Sendable, Equatable {
    public var vehicleID: String
    /// Race number; nil when the feed does not say (anonymised ids such as `GR86-002-000`).
    public var carNumber: Int?
    /// Receiver time (UTC) of the newest sample folded in.
    public var timeMs: Int64
    /// 0 = unknown.
    public var lap: Int
    public var lapDistanceM: Double?
    public var speedKph: Double?
    public var throttlePct: Double?
    public var brakeFrontBar: Double?
    public var brakeRearBar: Double?
    public var gear: Int?
    public var rpm: Double?
    public var accelLongG: Double?
    public var accelLatG: Double?
    public var steeringDeg: Double?
    public var latitudeDeg: Double?
    public var longitudeDeg: Double?
    /// The car's own clock for this frame; frames are stored by (vehicleID, ecuTimeMs).
    public var ecuTimeMs: Int64?

    public init(
        vehicleID: String, carNumber: Int? = nil, timeMs: Int64, lap: Int = 0, lapDistanceM: Double? = nil,
        speedKph: Double? = nil, throttlePct: Double? = nil, brakeFrontBar: Double? = nil,
        brakeRearBar: Double? = nil, gear: Int? = nil, rpm: Double? = nil, accelLongG: Double? = nil,
        accelLatG: Double? = nil, steeringDeg: Double? = nil, latitudeDeg: Double? = nil,
        longitudeDeg: Double? = nil, ecuTimeMs: Int64? = nil
    ) {
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        self.timeMs = timeMs
        self.lap = lap
        self.lapDistanceM = lapDistanceM
        self.speedKph = speedKph
        self.throttlePct = throttlePct
        self.brakeFrontBar = brakeFrontBar
        self.brakeRearBar = brakeRearBar
        self.gear = gear
        self.rpm = rpm
        self.accelLongG = accelLongG
        self.accelLatG = accelLatG
        self.steeringDeg = steeringDeg
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
        self.ecuTimeMs = ecuTimeMs
    }
}
