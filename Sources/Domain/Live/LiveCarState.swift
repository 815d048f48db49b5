/// What the pit wall sees of one car at an instant: its latest telemetry and what timing knows of it.
///
/// Built for every car by `LiveCarState.all`: each car with telemetry (its newest frame at or before the
/// instant) and each car timing knows but no telemetry covers (timing fields only). A telemetry vehicle is
/// matched to its timing entry through `carByVehicle` (`RaceData.carByVehicle`, crossing-time matches), else
/// its vehicle id, else the race number in its id.
public struct LiveCarState: Codable, Sendable, Equatable {
    public var carKey: String
    public var vehicleID: String
    public var carNumber: Int?
    /// The lap the car is on: the timing sheet's completed laps + 1 when timing knows the car (its completed laps
    /// once it has finished: the cool-down lap is no race lap), else the telemetry's lap counter; 0 = unknown.
    public var lap: Int
    public var lapDistanceM: Double?
    public var speedKph: Double?
    public var throttlePct: Double?
    public var brakeFrontBar: Double?
    public var brakeRearBar: Double?
    public var gear: Int?
    public var rpm: Double?
    public var accelLatG: Double?
    public var accelLongG: Double?
    /// Receiver time of the newest telemetry; nil without telemetry.
    public var telemetryTimeMs: Int64?
    public var lapsCompleted: Int
    public var lastLapMs: Int64?
    /// Fastest timed lap from lap 2 on (the start lap never counts).
    public var bestLapMs: Int64?
    public var position: Int?

    /// Every car with telemetry or timing at `asOfMs` (nil = the end), in running order, then cars timing
    /// does not know by key.
    public static func all(
        frames: [CarFrame], laps: [LapRecord], carByVehicle: [String: Int] = [:], asOfMs: Int64? = nil
    ) -> [LiveCarState] {
        let history = LapHistory(laps: laps, asOfMs: asOfMs)
        let standings = RunningOrder.standings(laps: history.allLaps)
        let byKey = Dictionary(standings.map { ($0.carKey, $0) }, uniquingKeysWith: { first, _ in first })
        let byVehicle = Dictionary(
            standings.filter { !$0.vehicleID.isEmpty }.map { ($0.vehicleID, $0) }, uniquingKeysWith: { a, _ in a })

        // The newest frame of each vehicle received by the instant: newest by the car's own clock, which
        // orders one car's frames (several frames share one receiver time).
        var newest: [String: CarFrame] = [:]
        for frame in frames where asOfMs.map({ frame.timeMs <= $0 }) ?? true {
            if let known = newest[frame.vehicleID],
                (known.ecuTimeMs ?? 0, known.timeMs) > (frame.ecuTimeMs ?? 0, frame.timeMs)
            {
                continue
            }
            newest[frame.vehicleID] = frame
        }

        var states: [LiveCarState] = []
        var covered = Set<String>()
        for frame in newest.values {
            let number = carByVehicle[frame.vehicleID] ?? frame.carNumber
            let standing =
                byVehicle[frame.vehicleID]
                ?? number.flatMap { byKey[CarKey.of(vehicleID: frame.vehicleID, carNumber: $0)] }
            if let standing { covered.insert(standing.carKey) }
            var state = LiveCarState(
                standing: standing, vehicleID: frame.vehicleID, carNumber: standing?.carNumber ?? number,
                bestLapMs: standing.flatMap { bestLap(history.byCar[$0.carKey] ?? []) })
            state.lap = standing.map(Self.lap) ?? frame.lap
            state.lapDistanceM = frame.lapDistanceM
            state.speedKph = frame.speedKph
            state.throttlePct = frame.throttlePct
            state.brakeFrontBar = frame.brakeFrontBar
            state.brakeRearBar = frame.brakeRearBar
            state.gear = frame.gear
            state.rpm = frame.rpm
            state.accelLatG = frame.accelLatG
            state.accelLongG = frame.accelLongG
            state.telemetryTimeMs = frame.timeMs
            states.append(state)
        }
        for standing in standings where !covered.contains(standing.carKey) {
            var state = LiveCarState(
                standing: standing, vehicleID: standing.vehicleID, carNumber: standing.carNumber,
                bestLapMs: bestLap(history.byCar[standing.carKey] ?? []))
            state.lap = Self.lap(standing)
            states.append(state)
        }
        return states.sorted { ($0.position ?? .max, $0.carKey) < ($1.position ?? .max, $1.carKey) }
    }

    private init(standing: CarStanding?, vehicleID: String, carNumber: Int?, bestLapMs: Int64?) {
        carKey = standing?.carKey ?? CarKey.of(vehicleID: vehicleID, carNumber: carNumber)
        self.vehicleID = vehicleID
        self.carNumber = carNumber
        lap = 0
        lapsCompleted = standing?.lapsCompleted ?? 0
        lastLapMs = standing?.lastLapMs
        self.bestLapMs = bestLapMs
        position = standing?.position
    }

    /// The lap a car timing knows is on: completed + 1, or its completed laps once it has finished.
    static func lap(_ standing: CarStanding) -> Int {
        standing.finished ? standing.lapsCompleted : standing.lapsCompleted + 1
    }

    /// Fastest timed lap from lap 2 on.
    static func bestLap(_ laps: [LapRecord]) -> Int64? {
        laps.filter { $0.lap >= 2 }.compactMap(\.lapTimeMs).min()
    }
}
