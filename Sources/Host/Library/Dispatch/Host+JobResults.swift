import RaceDomain
import RoadSenseProtocol

/// Results of the periodic jobs beyond live telemetry, strategy and alert checks: stored, then published.
///
/// | method | stored | topic |
/// |---|---|---|
/// | `analytics.GeneratePerformance`, `analytics.UpdateCompetitors`, `weather.Update` | `reports`, `report_cars`, `report_car_paces`, `report_car_gaps` | `analytics.performance`, `analytics.competitor`, `analytics.weather` |
/// | `simulation.RunBatch` | `simulations`, `simulation_options` | `simulation` |
/// | `maintenance.*`, `alerts.AcknowledgeStale` | the call's `result` (the deletes and updates are the work) | `maintenance.<task>` |
/// | `ingest.IngestExternal` | the call's `result` (the plugin stored the rows) | `ingest` |
extension Host {
    /// Methods whose result is kept in the call's row, because no table holds it.
    static func keepsResult(_ method: String) -> Bool {
        method.hasPrefix("maintenance.") || method == "alerts.AcknowledgeStale" || method == "ingest.IngestExternal"
    }

    func applyJobResult(_ payload: [UInt8], of method: String, atMs now: Int64) throws {
        switch method {
        case "analytics.GeneratePerformance", "analytics.UpdateCompetitors", "weather.Update":
            let report = try AnalyticsReport(wire: payload)
            persist("\(report.kind) report", .report(report))
            broadcaster.publish(topic: "analytics.\(report.kind)", body: .report(report), atMs: now)
        case "simulation.RunBatch":
            let batch = try SimulationBatch(wire: payload)
            persist("simulation", .simulation(batch))
            broadcaster.publish(topic: "simulation", body: .simulation(batch), atMs: now)
        case "maintenance.CleanupTelemetry", "maintenance.CleanupAlerts", "alerts.AcknowledgeStale":
            let result = try MaintenanceResult(wire: payload)
            logger.info(
                "maintenance done", ["task": result.task, "deleted": result.rowsDeleted, "updated": result.rowsUpdated])
            broadcaster.publish(topic: "maintenance.\(result.task)", body: .maintenance(result), atMs: now)
        case "ingest.IngestExternal":
            let result = try IngestResult(wire: payload)
            statistics.framesStored += result.framesStored
            if result.rowsNew > 0 { logger.info("external rows ingested", ["summary": result.summary]) }
            broadcaster.publish(topic: "ingest", body: .ingest(result), atMs: now)
        default:
            break
        }
    }
}
