/// Median and median absolute deviation: a car's own baseline that one bad lap or one spike cannot drag.
enum RobustStats {
    /// The middle value (mean of the two middle ones for an even count); nil for no values.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Median of the absolute deviations from the median.
    static func mad(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) })
    }
}
