import Foundation

/// Race time during a replay: starts at the feed's first event and runs `speed` times faster than the
/// wall clock. The beat schedule runs on it, so a 10 s entry fires every 10/speed wall seconds.
struct ReplayClock {
    let raceStartMs: Int64
    let speed: Double
    private let wallStartNs: UInt64

    init(raceStartMs: Int64, speed: Double) {
        self.raceStartMs = raceStartMs
        self.speed = speed
        wallStartNs = DispatchTime.now().uptimeNanoseconds
    }

    var nowMs: Int64 {
        let elapsedMs = Double(DispatchTime.now().uptimeNanoseconds - wallStartNs) / 1e6
        return raceStartMs + Int64(elapsedMs * speed)
    }

    /// Wall milliseconds until race time `targetMs`.
    func wallMs(until targetMs: Int64) -> Int64 {
        Int64(Double(targetMs - nowMs) / speed)
    }
}
