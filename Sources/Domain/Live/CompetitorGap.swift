/// Where one car stands against the others at an instant: gaps, recent pace, who is closing, and pit-stop
/// threats. Built for every car at once by `CompetitorGap.all`.
///
/// Definitions:
/// - gaps are measured at the line, at the car's own latest crossing: gap to the leader = this car's
///   crossing of its latest lap N minus the leader's crossing of lap N (so a lapped car's gap is still a
///   time, with `lapsBehindLeader` saying by how many laps); gap to the car ahead likewise. At the flag these
///   equal the results file's `GAP_FIRST` / `GAP_PREVIOUS` for cars on the lead lap without a penalty.
/// - pace: the mean lap time of the clean laps (`LapHistory.isCleanLap`) among the car's last
///   `paceLaps` (5) laps; nil with fewer than 2.
/// - closing rate on the car ahead: its pace minus ours, ms per lap; positive = we are faster.
///   Laps to contact = gap to the car ahead / closing rate (gap closed to zero at today's pace), only when
///   closing.
/// - undercut threat: the car right behind is on our lap, within `threatWindowMs`, and at least as fast as us
///   (pace): were it to pit first, fresh tyres and clear air could bring it out ahead.
///   Overcut threat: the car right ahead is on our lap, within the window, and at least as fast as us: if we
///   pit first to pass it, it stays out on a pace we do not beat and keeps the place. Both are heuristics
///   from gap and pace only (the feed has no tyre data); GR Cup sprints rarely stop, so they mostly flag
///   close fights.
public struct CompetitorGap: Codable, Sendable, Equatable {
    public var carKey: String
    public var vehicleID: String
    public var carNumber: Int?
    /// 1 = leader (`RunningOrder`: laps first, then who crossed earlier).
    public var position: Int
    public var lapsCompleted: Int
    public var lapsBehindLeader: Int
    public var gapToLeaderMs: Int64?
    /// Key of the car one place ahead; nil for the leader.
    public var carAhead: String?
    public var lapsBehindAhead: Int
    public var gapToAheadMs: Int64?
    public var paceMs: Int64?
    /// Pace of the car ahead minus ours (ms per lap); positive = closing.
    public var closingOnAheadMsPerLap: Int64?
    /// Laps until the gap to the car ahead is gone at the current closing rate; nil when not closing.
    public var lapsToContact: Double?
    /// Key of the car behind that could undercut us; nil when none.
    public var undercutThreatFrom: String?
    /// Key of the car ahead that could overcut us; nil when none.
    public var overcutThreatFrom: String?

    /// Laps looked at for pace.
    public static let paceLaps = 5
    /// Gap under which a faster neighbour is a pit-stop threat.
    public static let defaultThreatWindowMs: Int64 = 3_000

    /// Every car with laps, in running order.
    public static func all(
        laps: [LapRecord], asOfMs: Int64? = nil, threatWindowMs: Int64 = defaultThreatWindowMs
    ) -> [CompetitorGap] {
        all(history: LapHistory(laps: laps, asOfMs: asOfMs), threatWindowMs: threatWindowMs)
    }

    /// As `all(laps:asOfMs:threatWindowMs:)`, from a history already grouped.
    public static func all(history: LapHistory, threatWindowMs: Int64 = defaultThreatWindowMs) -> [CompetitorGap] {
        let standings = RunningOrder.standings(laps: history.allLaps)
        guard let leader = standings.first else { return [] }
        var gaps = standings.map { standing in
            CompetitorGap(
                carKey: standing.carKey, vehicleID: standing.vehicleID, carNumber: standing.carNumber,
                position: standing.position, lapsCompleted: standing.lapsCompleted,
                lapsBehindLeader: leader.lapsCompleted - standing.lapsCompleted,
                gapToLeaderMs: gap(history, standing, behind: leader), carAhead: nil, lapsBehindAhead: 0,
                gapToAheadMs: nil, paceMs: pace(history.byCar[standing.carKey] ?? []), closingOnAheadMsPerLap: nil,
                lapsToContact: nil, undercutThreatFrom: nil, overcutThreatFrom: nil)
        }

        // Neighbours: gap and closing rate to the car ahead, then the threats both ways.
        for index in gaps.indices.dropFirst() {
            let ahead = standings[index - 1]
            gaps[index].carAhead = ahead.carKey
            gaps[index].lapsBehindAhead = ahead.lapsCompleted - standings[index].lapsCompleted
            gaps[index].gapToAheadMs = gap(history, standings[index], behind: ahead)
            if let ours = gaps[index].paceMs, let theirs = gaps[index - 1].paceMs {
                let closing = theirs - ours
                gaps[index].closingOnAheadMsPerLap = closing
                if closing > 0, let gap = gaps[index].gapToAheadMs, gaps[index].lapsBehindAhead == 0 {
                    gaps[index].lapsToContact = Double(gap) / Double(closing)
                }
            }
        }
        for index in gaps.indices.dropFirst() {
            let (behind, ahead) = (gaps[index], gaps[index - 1])
            guard behind.lapsBehindAhead == 0, let gap = behind.gapToAheadMs, gap <= threatWindowMs,
                let behindPace = behind.paceMs, let aheadPace = ahead.paceMs
            else { continue }
            if behindPace <= aheadPace { gaps[index - 1].undercutThreatFrom = behind.carKey }
            if aheadPace <= behindPace { gaps[index].overcutThreatFrom = ahead.carKey }
        }
        return gaps
    }

    /// `car`'s latest crossing minus `other`'s crossing of the same lap; nil if `other` has not done it.
    static func gap(_ history: LapHistory, _ car: CarStanding, behind other: CarStanding) -> Int64? {
        guard car.lapsCompleted > 0, let mine = history.crossing(car.carKey, lap: car.lapsCompleted),
            let theirs = history.crossing(other.carKey, lap: car.lapsCompleted)
        else { return nil }
        return mine - theirs
    }

    /// Mean of the clean laps among the last `paceLaps` laps; nil with fewer than 2.
    public static func pace(_ laps: [LapRecord]) -> Int64? {
        let recent = laps.suffix(paceLaps).filter(LapHistory.isCleanLap).compactMap(\.lapTimeMs)
        guard recent.count >= 2 else { return nil }
        return Int64((Double(recent.reduce(0, +)) / Double(recent.count)).rounded())
    }
}

extension CompetitorGap {
    /// A car with no gap, pace or threat yet; the decoder and the store set the rest of the figures.
    public init(carKey: String, vehicleID: String, carNumber: Int?, position: Int, lapsCompleted: Int) {
        self.init(
            carKey: carKey, vehicleID: vehicleID, carNumber: carNumber, position: position,
            lapsCompleted: lapsCompleted, lapsBehindLeader: 0, gapToLeaderMs: nil, carAhead: nil, lapsBehindAhead: 0,
            gapToAheadMs: nil, paceMs: nil, closingOnAheadMsPerLap: nil, lapsToContact: nil, undercutThreatFrom: nil,
            overcutThreatFrom: nil)
    }
}
