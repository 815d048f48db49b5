import RoadSenseProtocol
import RoadSenseStore

extension Host {
    /// The retry policy of `method`: the manifest of the plugin serving it (`retry`, `methodRetry`), else
    /// the defaults (3 attempts, backoff 200 ms doubling, at most 5 s).
    func retryPolicy(for method: String) -> RetryPolicy { retryPolicies[method] ?? .standard }

    /// A call read from the store, with its attempt budget settled: a row that names none (`max_attempts`
    /// 0: `roadsense submit` without `--attempts`) takes its method's policy, each time a host reads it (the
    /// row keeps 0, so a host restarted with another policy applies that one).
    func pendingCall(from record: CallRecord) -> PendingCall {
        guard record.maxAttempts <= 0 else { return PendingCall(record: record) }
        var resolved = record
        resolved.maxAttempts = retryPolicy(for: record.method).maxAttempts
        return PendingCall(record: resolved)
    }
}
