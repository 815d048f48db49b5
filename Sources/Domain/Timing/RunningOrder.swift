/// The running order from completed laps: more laps first, then whoever completed their latest lap
/// earlier. Uses one lap source at a time (the analysis file's laps when present, since the timing feed's
/// `lap_end` numbering is offset and its file stops before the flag).
public enum RunningOrder {
    public static func standings(laps: [LapRecord]) -> [CarStanding] {
        let preferred = laps.contains { $0.source == .analysis } ? LapRecord.Source.analysis : .lapEnd
        var byCar: [String: [LapRecord]] = [:]
        for lap in laps where lap.source == preferred {
            byCar[CarKey.of(vehicleID: lap.vehicleID, carNumber: lap.carNumber), default: []].append(lap)
        }

        var standings: [CarStanding] = byCar.map { key, carLaps in
            let latest = carLaps.max { ($0.lap, $0.crossedMs) < ($1.lap, $1.crossedMs) }!
            let timed = carLaps.filter { ($0.lapTimeMs ?? 0) > 0 }
            let best = timed.min { ($0.lapTimeMs!, $0.lap) < ($1.lapTimeMs!, $1.lap) }
            return CarStanding(
                carKey: key, vehicleID: latest.vehicleID, carNumber: latest.carNumber, lapsCompleted: latest.lap,
                lastCrossedMs: latest.crossedMs, lastLapMs: latest.lapTimeMs, bestLapMs: best?.lapTimeMs,
                bestLapNumber: best?.lap, position: 0)
        }

        standings.sort {
            ($0.lapsCompleted, -$0.lastCrossedMs, $1.carKey) > ($1.lapsCompleted, -$1.lastCrossedMs, $0.carKey)
        }
        for index in standings.indices { standings[index].position = index + 1 }
        return standings
    }
}
