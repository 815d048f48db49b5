extension CarReport {
    /// Figures from the car's analysis laps; results fields stay nil until `attach`.
    public init(entry: AnalysisEntry) {
        self.init(carNumber: entry.carNumber, carLabel: entry.carLabel)
        self.entry = entry.entry
        let ordered = entry.laps.sorted { ($0.lap, $0.row) < ($1.lap, $1.row) }
        laps = ordered.map(ReportLap.init)
        lapsCompleted = entry.lapsCompleted
        raceTimeMs = entry.lastLap?.elapsedMs

        if let best = entry.bestLap {
            bestLapMs = best.lapTimeMs
            bestLapNumber = best.lap
        }
        bestS1Ms = ordered.compactMap(\.s1Ms).min()
        bestS2Ms = ordered.compactMap(\.s2Ms).min()
        bestS3Ms = ordered.compactMap(\.s3Ms).min()
        if let s1 = bestS1Ms, let s2 = bestS2Ms, let s3 = bestS3Ms { theoreticalBestMs = s1 + s2 + s3 }
        bestIntermediates = BestIntermediate.of(ordered)
        topSpeedKph = ordered.compactMap(\.topSpeedKph).max()

        // Flags and pit: FF (chequered) is a raced lap; anything else that is not green is a caution.
        for lap in ordered {
            if lap.flag == "GF" || lap.flag == "FF" { greenLaps += 1 } else if !lap.flag.isEmpty { cautionLaps += 1 }
            if lap.pitIn || lap.pitTimeMs != nil { pitLaps.append(lap.lap) }
        }
        // Consistency as `CarPace` defines it, from the same laps.
        let records = ordered.map { lap in
            LapRecord(
                carNumber: lap.carNumber, lap: lap.lap, lapTimeMs: lap.lapTimeMs, crossedMs: 0, s1Ms: lap.s1Ms,
                s2Ms: lap.s2Ms, s3Ms: lap.s3Ms, flag: lap.flag, pitIn: lap.pitIn, pitTimeMs: lap.pitTimeMs,
                source: .analysis)
        }
        let pace = CarPace(carKey: displayName, laps: records)
        cleanLaps = pace.cleanLaps
        meanCleanLapMs = pace.meanCleanLapMs
        consistencyMs = pace.consistencyMs

        let green = ordered.filter { $0.lap >= 2 && $0.flag == "GF" && !$0.pitIn && $0.pitTimeMs == nil }
        medianGreenLapMs = Self.median(green.map(\.lapTimeMs))
        refreshText()
    }

    /// A car the results file lists but the analysis file does not (non-starters, 0-lap entries).
    public init(resultsOnly row: ResultRow) {
        self.init(carNumber: row.carNumber, carLabel: row.carLabel)
        attach(row)
    }

    /// Takes position, status, laps, total time, gap and fastest lap from a results row.
    public mutating func attach(_ row: ResultRow) {
        finishingPosition = row.position
        status = row.status.isEmpty ? nil : row.status
        resultsLaps = row.laps
        resultsTotalTimeMs = row.totalTimeMs
        gapToLeader = row.gapFirst.isEmpty ? nil : row.gapFirst
        resultsBestLapMs = row.bestLapMs
        resultsBestLapNumber = row.bestLapNumber
        if row.laps == lapsCompleted, lapsCompleted > 0, let total = row.totalTimeMs, let raceTimeMs,
            total != raceTimeMs
        {
            penaltyMs = total - raceTimeMs
        }
    }

    /// The `m:ss.fff` twins of the millisecond fields.
    mutating func refreshText() {
        bestLap = LapTimeText.format(bestLapMs)
        theoreticalBest = LapTimeText.format(theoreticalBestMs)
        medianGreenLap = LapTimeText.format(medianGreenLapMs)
    }

    /// Middle value (mean of the two middle values, rounded down, for an even count); nil when empty.
    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
