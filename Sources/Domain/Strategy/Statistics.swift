/// Small robust statistics over `Double`s used by the pace model.
enum Statistics {
    static func median(_ values: [Double]) -> Double? { quantile(values.sorted(), 0.5) }

    /// Linear-interpolated quantile of already sorted values; nil when empty.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(sorted.count - 1, low + 1)
        let fraction = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }

    /// 1.4826 · median |x − median|: the standard deviation of normal data, unmoved by outliers.
    static func robustSD(_ values: [Double]) -> Double? {
        guard values.count >= 2, let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) }).map { 1.4826 * $0 }
    }

    /// Ordinary least-squares slope of y on x; nil under 2 points or when every x is the same.
    static func slope(_ points: [(x: Double, y: Double)]) -> Double? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let meanX = points.map(\.x).reduce(0, +) / n
        let meanY = points.map(\.y).reduce(0, +) / n
        let sxx = points.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        return points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +) / sxx
    }
}
