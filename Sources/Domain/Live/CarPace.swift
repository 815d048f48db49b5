import Foundation

/// How fast and how steady one car has been, from its timing laps up to an instant.
///
/// Definitions (the same as `CarReport` where both have the figure, so a whole-race `CarPace` equals the
/// report's):
/// - best lap: the fastest timed lap from lap 2 on (Al Kamel never counts the start lap); ties go to the
///   earlier lap.
/// - best sectors and theoretical best: the lowest S1, S2 and S3 over all the car's laps, and their sum.
/// - sector deltas: the car's best sector minus the best of that sector over every car (0 = session best).
/// - clean lap: see `LapHistory.isCleanLap`, and no slower than 107 % of the car's fastest clean lap (a lap
///   with an off or a spin is not pace).
/// - consistency: the population standard deviation of the clean laps' times, in ms (needs 2 clean laps);
///   lower is steadier. `meanCleanLapMs` is their mean.
/// - green / caution laps: `FLAG_AT_FL` `GF` or `FF` (the chequered lap is raced) / any other flag.
/// - pit laps: laps ending in the pit lane or carrying pit time.
public struct CarPace: Codable, Sendable, Equatable {
    public var carKey: String
    public var vehicleID: String
    public var carNumber: Int?
    public var lapsCompleted: Int
    public var bestLapMs: Int64?
    public var bestLapNumber: Int?
    public var bestS1Ms: Int64?
    public var bestS2Ms: Int64?
    public var bestS3Ms: Int64?
    public var theoreticalBestMs: Int64?
    /// Best S1/S2/S3 minus the session's best S1/S2/S3; nil when the car has no time for that sector.
    public var s1DeltaMs: Int64?
    public var s2DeltaMs: Int64?
    public var s3DeltaMs: Int64?
    public var cleanLaps: Int
    public var meanCleanLapMs: Int64?
    /// Standard deviation of the clean laps' times (ms); nil below two clean laps.
    public var consistencyMs: Int64?
    public var topSpeedKph: Double?
    public var greenLaps: Int
    public var cautionLaps: Int
    public var pitLaps: [Int]

    /// One `CarPace` per car with laps, sorted by best lap (cars without one last, then by key).
    public static func all(laps: [LapRecord], asOfMs: Int64? = nil) -> [CarPace] {
        all(history: LapHistory(laps: laps, asOfMs: asOfMs))
    }

    /// As `all(laps:asOfMs:)`, from a history already grouped.
    public static func all(history: LapHistory) -> [CarPace] {
        var paces = history.byCar.map { key, laps in CarPace(carKey: key, laps: laps) }
        let sessionS1 = paces.compactMap(\.bestS1Ms).min()
        let sessionS2 = paces.compactMap(\.bestS2Ms).min()
        let sessionS3 = paces.compactMap(\.bestS3Ms).min()
        for index in paces.indices {
            paces[index].s1DeltaMs = paces[index].bestS1Ms.flatMap { best in sessionS1.map { best - $0 } }
            paces[index].s2DeltaMs = paces[index].bestS2Ms.flatMap { best in sessionS2.map { best - $0 } }
            paces[index].s3DeltaMs = paces[index].bestS3Ms.flatMap { best in sessionS3.map { best - $0 } }
        }
        return paces.sorted { ($0.bestLapMs ?? .max, $0.carKey) < ($1.bestLapMs ?? .max, $1.carKey) }
    }

    /// The figures of one car from its laps (sector deltas stay nil: they need the other cars).
    public init(carKey: String, laps: [LapRecord]) {
        self.carKey = carKey
        let last = laps.max { $0.lap < $1.lap }
        vehicleID = last?.vehicleID ?? ""
        carNumber = last?.carNumber
        lapsCompleted = last?.lap ?? 0

        let best = laps.filter { $0.lap >= 2 && $0.lapTimeMs != nil }
            .min { ($0.lapTimeMs!, $0.lap) < ($1.lapTimeMs!, $1.lap) }
        bestLapMs = best?.lapTimeMs
        bestLapNumber = best?.lap
        bestS1Ms = laps.compactMap(\.s1Ms).min()
        bestS2Ms = laps.compactMap(\.s2Ms).min()
        bestS3Ms = laps.compactMap(\.s3Ms).min()
        if let s1 = bestS1Ms, let s2 = bestS2Ms, let s3 = bestS3Ms { theoreticalBestMs = s1 + s2 + s3 }
        topSpeedKph = laps.compactMap(\.topSpeedKph).max()

        // Clean laps: racing laps within 107 % of the car's fastest racing lap.
        let racing = laps.filter(LapHistory.isCleanLap).compactMap(\.lapTimeMs)
        let clean = racing.min().map { fastest in racing.filter { $0 * 100 <= fastest * 107 } } ?? []
        cleanLaps = clean.count
        if !clean.isEmpty {
            let mean = Double(clean.reduce(0, +)) / Double(clean.count)
            meanCleanLapMs = Int64(mean.rounded())
            if clean.count >= 2 {
                let variance =
                    clean.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(clean.count)
                consistencyMs = Int64(variance.squareRoot().rounded())
            }
        }

        greenLaps = laps.filter { $0.flag == "GF" || $0.flag == "FF" }.count
        cautionLaps = laps.filter { !$0.flag.isEmpty && $0.flag != "GF" && $0.flag != "FF" }.count
        pitLaps = laps.filter { $0.pitIn || $0.pitTimeMs != nil }.map(\.lap)
    }
}
