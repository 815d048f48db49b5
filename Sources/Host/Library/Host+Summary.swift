import RaceDomain
import RoadSenseProtocol

extension Host {
    /// The end-of-run summary, also published on topic `summary`.
    func summary() throws -> RunSummary {
        var bySeverity: [Severity: Int] = [:]
        for severity in alertSeverities.values { bySeverity[severity, default: 0] += 1 }
        let summary = RunSummary(
            cars: tracker.carCount, laps: tracker.laps.count, samples: tracker.samplesFed,
            callsDispatched: statistics.callsDispatched, callsFailed: statistics.callsFailed,
            predictions: statistics.predictions, alertsInfo: bySeverity[.info] ?? 0,
            alertsWarning: bySeverity[.warning] ?? 0, alertsCritical: bySeverity[.critical] ?? 0,
            rowsStored: store.rowsWritten + statistics.framesStored, badRows: ledger.counts,
            wallSeconds: statistics.wallSeconds)
        broadcaster.publish(topic: "summary", body: .summary(summary), atMs: raceNowMs())
        return summary
    }

    /// True when the run should exit non-zero.
    var anythingFailed: Bool { statistics.callsFailed > 0 || statistics.storeErrors > 0 }
}
