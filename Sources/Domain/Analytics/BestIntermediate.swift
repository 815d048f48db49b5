/// A car's fastest time through one intermediate point (from the previous point), over all its laps, as the
/// best sectors are taken; with the lap it was set on and its gap to the session's best through that point.
public struct BestIntermediate: Codable, Sendable, Equatable {
    /// `IM1a`, `IM1`, `IM2a`, `IM2`, `IM3a`, `FL` (see `AnalysisIntermediate`).
    public var point: String
    public var timeMs: Int64
    /// The first lap with that time.
    public var lap: Int
    /// `timeMs` minus the fastest time through the point over every car (0 = the session best).
    public var deltaMs: Int64?

    public init(point: String, timeMs: Int64, lap: Int, deltaMs: Int64? = nil) {
        self.point = point
        self.timeMs = timeMs
        self.lap = lap
        self.deltaMs = deltaMs
    }

    /// Per point in first-seen order, the fastest time over `laps` (ties: the earlier lap).
    public static func of(_ laps: [AnalysisLap]) -> [BestIntermediate] {
        var order: [String] = []
        var best: [String: BestIntermediate] = [:]
        for lap in laps.sorted(by: { ($0.lap, $0.row) < ($1.lap, $1.row) }) {
            for point in lap.intermediates {
                if best[point.point] == nil, !order.contains(point.point) { order.append(point.point) }
                guard let time = point.timeMs else { continue }
                if let current = best[point.point], current.timeMs <= time { continue }
                best[point.point] = BestIntermediate(point: point.point, timeMs: time, lap: lap.lap)
            }
        }
        return order.compactMap { best[$0] }
    }
}
