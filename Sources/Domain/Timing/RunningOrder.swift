import Foundation

/// The running order from completed laps: more laps first, then whoever completed their latest lap
/// earlier. Uses one lap source at a time (the analysis file's laps when present, since the timing feed's
/// `lap_end` numbering is offset and its file stops before the flag).
///
/// A car has finished once it crossed the line under the chequered flag: its latest lap is flagged `FF` at the line
/// (the timing sheet's `FLAG_AT_FL`), or it crossed at or after the first `FF` crossing (the leader took the flag, so
/// every car's next crossing ends its race). On barber R1 every classified car's last lap is `FF` (21 of 22 cars; car
/// 88 retired on lap 13). Lap_end events carry no flag, so without a timing sheet no car is marked finished.
public enum RunningOrder {
    /// The timing sheet's flag at the line when the chequered flag is out.
    public static let finishFlag = "FF"

    public static func standings(laps: [LapRecord]) -> [CarStanding] {
        let preferred = laps.contains { $0.source == .analysis } ? LapRecord.Source.analysis : .lapEnd
        var byCar: [String: [LapRecord]] = [:]
        var flagMs: Int64?
        for lap in laps where lap.source == preferred {
            byCar[CarKey.of(vehicleID: lap.vehicleID, carNumber: lap.carNumber), default: []].append(lap)
            if isFinish(lap) { flagMs = min(flagMs ?? .max, lap.crossedMs) }
        }

        var standings: [CarStanding] = byCar.map { key, carLaps in
            let latest = carLaps.max { ($0.lap, $0.crossedMs) < ($1.lap, $1.crossedMs) }!
            let timed = carLaps.filter { ($0.lapTimeMs ?? 0) > 0 }
            let best = timed.min { ($0.lapTimeMs!, $0.lap) < ($1.lapTimeMs!, $1.lap) }
            return CarStanding(
                carKey: key, vehicleID: latest.vehicleID, carNumber: latest.carNumber, lapsCompleted: latest.lap,
                lastCrossedMs: latest.crossedMs, lastLapMs: latest.lapTimeMs, bestLapMs: best?.lapTimeMs,
                bestLapNumber: best?.lap, position: 0,
                finished: isFinish(latest) || flagMs.map { latest.crossedMs >= $0 } ?? false)
        }

        standings.sort {
            ($0.lapsCompleted, -$0.lastCrossedMs, $1.carKey) > ($1.lapsCompleted, -$1.lastCrossedMs, $0.carKey)
        }
        for index in standings.indices { standings[index].position = index + 1 }
        return standings
    }

    /// True for a lap crossed under the chequered flag.
    static func isFinish(_ lap: LapRecord) -> Bool {
        lap.flag.trimmingCharacters(in: .whitespaces).uppercased() == finishFlag
    }
}
