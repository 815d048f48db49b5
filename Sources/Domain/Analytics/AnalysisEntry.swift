/// The analysis-file laps of one car. Al Kamel writes each car's laps as one run of rows, so when
/// anonymisation gave two cars the same `NUMBER` (SOURCES.md item 30) each run is still one car.
public struct AnalysisEntry: Sendable, Equatable {
    public var carNumber: Int
    public var carLabel: String
    /// 1, 2, … among entries sharing `carLabel`; nil when the label is unique.
    public var entry: Int?
    /// In file order.
    public var laps: [AnalysisLap]

    public init(carNumber: Int, carLabel: String, entry: Int?, laps: [AnalysisLap]) {
        self.carNumber = carNumber
        self.carLabel = carLabel
        self.entry = entry
        self.laps = laps
    }

    /// Groups laps by `NUMBER` as written. A label whose lap numbers repeat is split into runs of
    /// consecutive rows, a new run starting where the lap number does not increase; a label whose laps
    /// do not repeat stays one entry whatever the row order.
    public static func group(_ laps: [AnalysisLap]) -> [AnalysisEntry] {
        var order: [String] = []
        var byLabel: [String: [AnalysisLap]] = [:]
        for lap in laps {
            if byLabel[lap.carLabel] == nil { order.append(lap.carLabel) }
            byLabel[lap.carLabel, default: []].append(lap)
        }

        var entries: [AnalysisEntry] = []
        for label in order {
            let rows = byLabel[label]!.sorted { $0.row < $1.row }
            guard Set(rows.map(\.lap)).count < rows.count else {
                entries.append(AnalysisEntry(carNumber: rows[0].carNumber, carLabel: label, entry: nil, laps: rows))
                continue
            }

            // Repeated lap numbers: one car per run of increasing laps.
            var runs: [[AnalysisLap]] = []
            for lap in rows {
                if let previous = runs.last?.last, lap.lap > previous.lap {
                    runs[runs.count - 1].append(lap)
                } else {
                    runs.append([lap])
                }
            }
            for (index, run) in runs.enumerated() {
                entries.append(
                    AnalysisEntry(carNumber: run[0].carNumber, carLabel: label, entry: index + 1, laps: run))
            }
        }
        return entries
    }

    /// Highest lap number.
    public var lapsCompleted: Int { laps.map(\.lap).max() ?? 0 }

    /// The lap with the highest number.
    public var lastLap: AnalysisLap? { laps.max { $0.lap < $1.lap } }

    /// Fastest lap from lap 2 on (Al Kamel never counts the start lap); ties go to the earlier lap.
    public var bestLap: AnalysisLap? {
        laps.filter { $0.lap >= 2 }.min { ($0.lapTimeMs, $0.lap) < ($1.lapTimeMs, $1.lap) }
    }
}
