/// The laps of one race known at an instant, grouped by car: what every live analytics function starts from.
///
/// Uses one lap source, as `RunningOrder` does: the analysis file's laps when any are present, else the
/// timing feed's `lap_end` laps. "Known at `asOfMs`" means crossed the line at or before it (`crossedMs`,
/// UTC); nil means the whole race. Cars are keyed by `CarKey` (race number, else vehicle id), so two cars
/// that anonymisation gave the same number (cota and sonoma `3`) count as one here; `RaceReport` keeps them
/// apart by file order.
public struct LapHistory: Sendable, Equatable {
    /// The instant the history stops at; nil = every lap.
    public var asOfMs: Int64?
    /// Car key → its laps in lap order (a repeated lap number keeps its latest crossing).
    public var byCar: [String: [LapRecord]]

    public init(laps: [LapRecord], asOfMs: Int64? = nil) {
        self.asOfMs = asOfMs
        let preferred = laps.contains { $0.source == .analysis } ? LapRecord.Source.analysis : .lapEnd
        var byLap: [String: [Int: LapRecord]] = [:]
        for lap in laps where lap.source == preferred && (asOfMs.map { lap.crossedMs <= $0 } ?? true) {
            let key = CarKey.of(vehicleID: lap.vehicleID, carNumber: lap.carNumber)
            if let known = byLap[key]?[lap.lap], known.crossedMs > lap.crossedMs { continue }
            byLap[key, default: [:]][lap.lap] = lap
        }
        byCar = byLap.mapValues { $0.values.sorted { $0.lap < $1.lap } }
    }

    /// Every lap in the history, in crossing order: handy for `RunningOrder.standings`.
    public var allLaps: [LapRecord] { byCar.values.flatMap { $0 }.sorted { $0.crossedMs < $1.crossedMs } }

    /// When car `key` completed lap `lap`, if it has.
    public func crossing(_ key: String, lap: Int) -> Int64? {
        guard let laps = byCar[key] else { return nil }
        var low = 0
        var high = laps.count
        while low < high {
            let middle = (low + high) / 2
            if laps[middle].lap < lap { low = middle + 1 } else { high = middle }
        }
        return low < laps.count && laps[low].lap == lap ? laps[low].crossedMs : nil
    }

    /// A racing lap for pace figures: lap 2 or later, green at the line (`GF`), not ending in the pit lane,
    /// no pit time, and timed.
    public static func isCleanLap(_ lap: LapRecord) -> Bool {
        lap.lap >= 2 && lap.isGreen && (lap.lapTimeMs ?? 0) > 0
    }
}
