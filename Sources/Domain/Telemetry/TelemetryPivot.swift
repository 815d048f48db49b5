/// Folds long-format `TelemetrySample`s into per-car `CarFrame`s (latest value per channel, forward-filled).
///
/// Channel mapping: `speed`→speedKph, `gear`→gear, `nmot`→rpm, `aps`/`ath`→throttlePct,
/// `pbrake_f`/`pbrake_r`→brakeFront/RearBar, `accx_can`→accelLongG, `accy_can`→accelLatG,
/// `Steering_Angle`→steeringDeg, `VBOX_Lat_Min`→latitudeDeg, `VBOX_Long_Minutes`→longitudeDeg (decimal
/// degrees despite the name), `Laptrigger_lapdist_dls`→lapDistanceM. Unknown channels are ignored.
///
/// Window statistics (samples and max speed per car) accumulate until `resetWindow()`.
public struct TelemetryPivot: Sendable {
    /// Per-car counts since the last `resetWindow()`.
    public struct WindowStats: Sendable, Equatable {
        public var samples: Int = 0
        public var maxSpeedKph: Double?

        public init(samples: Int = 0, maxSpeedKph: Double? = nil) {
            self.samples = samples
            self.maxSpeedKph = maxSpeedKph
        }
    }

    private var frames: [String: CarFrame] = [:]
    private var stats: [String: WindowStats] = [:]

    public init() {}

    /// Folds a batch (any order) and returns one frame per (vehicle, ECU timestamp), sorted by
    /// vehicle then ECU time. Each frame carries every channel's latest value up to that instant.
    /// `timeMs` is the newest `metaTimeMs` folded into the frame; `lap` the newest non-zero lap.
    public mutating func fold(_ samples: [TelemetrySample]) -> [CarFrame] {
        let ordered = TelemetryPivot.ordered(samples)

        var output: [CarFrame] = []
        var index = 0
        while index < ordered.count {
            // One group = one vehicle at one ECU instant.
            let first = ordered[index]
            var frame =
                frames[first.vehicleID]
                ?? CarFrame(
                    vehicleID: first.vehicleID, carNumber: VehicleID.carNumber(from: first.vehicleID),
                    timeMs: first.metaTimeMs)
            var windowStats = stats[first.vehicleID] ?? WindowStats()
            while index < ordered.count, ordered[index].vehicleID == first.vehicleID,
                ordered[index].ecuTimeMs == first.ecuTimeMs
            {
                let sample = ordered[index]
                TelemetryPivot.apply(sample, to: &frame)
                windowStats.samples += 1
                if sample.channel == "speed" {
                    windowStats.maxSpeedKph = max(windowStats.maxSpeedKph ?? sample.value, sample.value)
                }
                index += 1
            }
            frame.ecuTimeMs = first.ecuTimeMs
            frames[first.vehicleID] = frame
            stats[first.vehicleID] = windowStats
            output.append(frame)
        }
        return output
    }

    /// `samples` sorted by vehicle id, then ECU time, then position in the batch (a stable sort), comparing
    /// integers: each vehicle id gets its rank among the batch's ids once, not a string compare per step.
    static func ordered(_ samples: [TelemetrySample]) -> [TelemetrySample] {
        var rankByVehicle: [String: Int32] = [:]
        var lastVehicle: String?
        for sample in samples where sample.vehicleID != lastVehicle {
            lastVehicle = sample.vehicleID
            rankByVehicle[sample.vehicleID] = 0
        }
        for (rank, vehicle) in rankByVehicle.keys.sorted().enumerated() { rankByVehicle[vehicle] = Int32(rank) }

        var keys: [(rank: Int32, offset: Int, ecuTimeMs: Int64)] = []
        keys.reserveCapacity(samples.count)
        var lastRank: Int32 = 0
        lastVehicle = nil
        for (offset, sample) in samples.enumerated() {
            if sample.vehicleID != lastVehicle {
                lastVehicle = sample.vehicleID
                lastRank = rankByVehicle[sample.vehicleID]!
            }
            keys.append((lastRank, offset, sample.ecuTimeMs))
        }
        keys.sort { left, right in
            if left.rank != right.rank { return left.rank < right.rank }
            if left.ecuTimeMs != right.ecuTimeMs { return left.ecuTimeMs < right.ecuTimeMs }
            return left.offset < right.offset
        }
        return keys.map { samples[$0.offset] }
    }

    /// The newest frame of every car seen, sorted by vehicle id.
    public func latest() -> [CarFrame] {
        frames.values.sorted { $0.vehicleID < $1.vehicleID }
    }

    /// Samples and max speed per vehicle id since the last `resetWindow()`.
    public func windowStats() -> [String: WindowStats] { stats }

    /// One `CarState` per car seen: its latest frame plus this window's counts.
    public func carStates() -> [CarState] {
        latest().map { frame in
            let windowStats = stats[frame.vehicleID] ?? WindowStats()
            return CarState(frame: frame, samples: windowStats.samples, maxSpeedKph: windowStats.maxSpeedKph)
        }
    }

    /// Starts a new statistics window; the frames (latest values) are kept.
    public mutating func resetWindow() { stats = [:] }

    static func apply(_ sample: TelemetrySample, to frame: inout CarFrame) {
        let value = sample.value
        switch sample.channel {
        case "speed": frame.speedKph = value
        case "gear": frame.gear = abs(value) < 100 ? Int(value.rounded()) : nil
        case "nmot": frame.rpm = value
        case "aps", "ath": frame.throttlePct = value
        case "pbrake_f": frame.brakeFrontBar = value
        case "pbrake_r": frame.brakeRearBar = value
        case "accx_can": frame.accelLongG = value
        case "accy_can": frame.accelLatG = value
        case "Steering_Angle": frame.steeringDeg = value
        case "VBOX_Lat_Min": frame.latitudeDeg = value
        case "VBOX_Long_Minutes": frame.longitudeDeg = value
        case "Laptrigger_lapdist_dls": frame.lapDistanceM = value
        default: return
        }
        frame.timeMs = max(frame.timeMs, sample.metaTimeMs)
        if sample.lap > 0 { frame.lap = sample.lap }
    }
}
