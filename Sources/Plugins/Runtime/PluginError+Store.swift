import RoadSenseStore

extension PluginError {
    /// A store failure as a reply status: a busy database is worth a retry (UNAVAILABLE), anything else needs a
    /// person (INTERNAL). `doing` says what was being written, e.g. "deleting old telemetry".
    public static func store(_ error: Error, doing: String) -> PluginError {
        let retryable = (error as? StoreError)?.isRetryable ?? false
        return PluginError(retryable ? .unavailable : .internal, "\(doing): \(error)")
    }
}
