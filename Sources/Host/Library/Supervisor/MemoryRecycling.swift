/// The rule for recycling a replica by memory (`maxMemoryMB`).
///
/// A replica is replaced when its resident memory is over `maxMemoryMB` and it has grown by at least a
/// quarter of `maxMemoryMB` since it was ready (its worker registered): above max(limit, baseline + limit/4).
/// With a limit well above what a fresh process uses, that is the limit itself. A replica that is ready
/// near or over the limit — a limit set too low, or a plugin that loads a large model at start — is not
/// replaced for what it needs to run (its successor would be just as big: celery#4125's endless loop),
/// only for real growth, so replacements happen at most once per limit/4 of growth.
enum MemoryRecycling {
    static func thresholdMB(limitMB: Int, baselineMB: Double) -> Double {
        max(Double(limitMB), baselineMB + Double(limitMB) / 4)
    }
}
