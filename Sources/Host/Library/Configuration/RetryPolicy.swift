import Foundation

/// How a call of a method is tried again after a retryable failure (UNAVAILABLE, DEADLINE_EXCEEDED,
/// RESOURCE_EXHAUSTED, ABORTED): at most `maxAttempts` attempts in all, each retry after a delay drawn
/// uniformly from [0, min(`backoffCapMs`, `backoffBaseMs` × 2^attempt)] (exponential backoff, full jitter),
/// where `attempt` is the number of the attempt that failed.
///
/// A plugin declares it for the methods it serves: `retry` for all of them, `methodRetry` per method (each
/// key it leaves out comes from `retry`, and what `retry` leaves out from the defaults below). A call that
/// names its own attempts (`submit --attempts`, a schedule entry's `maxAttempts`) keeps them; its backoff is
/// always its method's.
public struct RetryPolicy: Codable, Sendable, Equatable {
    public var maxAttempts: Int = 3
    public var backoffBaseMs: Int = 200
    public var backoffCapMs: Int = 5000

    public init(maxAttempts: Int = 3, backoffBaseMs: Int = 200, backoffCapMs: Int = 5000) {
        self.maxAttempts = maxAttempts
        self.backoffBaseMs = backoffBaseMs
        self.backoffCapMs = backoffCapMs
    }

    /// The defaults: 3 attempts, 200 ms doubling per attempt, at most 5 s.
    public static let standard = RetryPolicy()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxAttempts, backoffBaseMs, backoffCapMs
    }

    /// Decodes a complete policy; keys left out take the defaults.
    public init(from decoder: Decoder) throws {
        self = try Patch(from: decoder).applied(to: .standard)
    }

    /// The longest wait before the attempt after `failed`: min(cap, base × 2^failed).
    public func delayCapMs(afterAttempt failed: UInt32) -> Int64 {
        let doubled = Int64(backoffBaseMs) << Int64(min(failed, 30))
        return min(doubled, Int64(backoffCapMs))
    }

    /// A wait drawn with full jitter: uniform in [0, `delayCapMs(afterAttempt:)`].
    public func delayMs(afterAttempt failed: UInt32) -> Int64 {
        Int64.random(in: 0...delayCapMs(afterAttempt: failed))
    }

    /// Refuses values that cannot work; `refuse(key, rule)` makes the error (the caller adds where).
    func validate(refuse: (String, String) -> Error) throws {
        guard (1...100).contains(maxAttempts) else { throw refuse("maxAttempts", "must be 1…100, got \(maxAttempts)") }
        guard (1...600_000).contains(backoffBaseMs) else {
            throw refuse("backoffBaseMs", "must be 1…600000 ms, got \(backoffBaseMs)")
        }
        guard (backoffBaseMs...3_600_000).contains(backoffCapMs) else {
            throw refuse("backoffCapMs", "must be backoffBaseMs…3600000 ms, got \(backoffCapMs)")
        }
    }

    /// A policy as written in a manifest: only the keys given; the rest come from `applied(to:)`'s base.
    struct Patch: Decodable, Equatable {
        var maxAttempts: Int?
        var backoffBaseMs: Int?
        var backoffCapMs: Int?

        init(from decoder: Decoder) throws {
            try AnyConfigurationKey.refuseUnknown(in: decoder, known: CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts)
            backoffBaseMs = try c.decodeIfPresent(Int.self, forKey: .backoffBaseMs)
            backoffCapMs = try c.decodeIfPresent(Int.self, forKey: .backoffCapMs)
        }

        func applied(to base: RetryPolicy) -> RetryPolicy {
            RetryPolicy(
                maxAttempts: maxAttempts ?? base.maxAttempts, backoffBaseMs: backoffBaseMs ?? base.backoffBaseMs,
                backoffCapMs: backoffCapMs ?? base.backoffCapMs)
        }
    }
}

extension [PluginConfig] {
    /// The retry policy of every method these plugins serve. When two plugins serve a method, the first in
    /// the configuration's order decides.
    func retryPolicies() -> [String: RetryPolicy] {
        var policies: [String: RetryPolicy] = [:]
        for plugin in self {
            for method in plugin.methods where policies[method] == nil {
                policies[method] = plugin.retryPolicy(for: method)
            }
        }
        return policies
    }
}
