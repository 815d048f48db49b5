import RaceDomain

/// The request and response message of every method the RoadSense plugins serve.
///
/// This is the one table of them: `roadsense submit --json` and `--wait` read it, and docs/protocol.md
/// ("Requests and results as JSON") points here. A new method gets its row here when its plugin is added.
public struct MethodMessages: Sendable {
    /// `service.Method`, as in `Call.method`.
    public let method: String
    public let request: ProtobufMessageType
    public let response: ProtobufMessageType

    init<Request: CWireMessage, Response: CWireMessage>(
        _ method: String, _ request: Request.Type, _ response: Response.Type
    ) {
        self.method = method
        self.request = ProtobufMessageType(request)
        self.response = ProtobufMessageType(response)
    }

    public static let all: [MethodMessages] = [
        MethodMessages("telemetry.ProcessLive", TelemetryBatch.self, TelemetryResult.self),
        MethodMessages("strategy.UpdatePredictions", StrategyRequest.self, StrategyResult.self),
        MethodMessages("alerts.CheckConditions", AlertRequest.self, AlertResult.self),
        MethodMessages("alerts.AcknowledgeStale", MaintenanceRequest.self, MaintenanceResult.self),
        MethodMessages("ingest.IngestExternal", IngestRequest.self, IngestResult.self),
        MethodMessages("weather.Update", WeatherRequest.self, AnalyticsReport.self),
        MethodMessages("analytics.GeneratePerformance", AnalyticsRequest.self, AnalyticsReport.self),
        MethodMessages("analytics.UpdateCompetitors", AnalyticsRequest.self, AnalyticsReport.self),
        MethodMessages("simulation.RunBatch", SimulationRequest.self, SimulationBatch.self),
        MethodMessages("maintenance.CleanupTelemetry", MaintenanceRequest.self, MaintenanceResult.self),
        MethodMessages("maintenance.CleanupAlerts", MaintenanceRequest.self, MaintenanceResult.self),
        MethodMessages("bench.Noop", BenchRequest.self, BenchResult.self),
        MethodMessages("bench.Sleep", BenchRequest.self, BenchResult.self),
        MethodMessages("bench.Fail", BenchRequest.self, BenchResult.self),
        MethodMessages("bench.Hang", BenchRequest.self, BenchResult.self),
    ]

    /// The row of `method`, or nil when no plugin of this build serves it.
    public static func named(_ method: String) -> MethodMessages? { all.first { $0.method == method } }
}
