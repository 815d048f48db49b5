import Foundation
import PluginRuntime
import RoadSenseProtocol

/// `bench.Noop` replies at once; `bench.Sleep` works for `sleep_ms`, stopping early (DEADLINE_EXCEEDED or
/// CANCELLED) when the host cancels; `bench.Fail` replies with `fail_with`; `bench.Hang` works for
/// `sleep_ms` and ignores Cancel, like a handler stuck in a C call — only the hard time limit stops it.
final class BenchService: PluginService {
    let name = "bench"
    let methods = ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"]
    /// Noop and Fail return at once; Sleep and Hang run on the work thread (they must not block heartbeats).
    let inlineMethods: Set<String> = ["bench.Noop", "bench.Fail"]

    /// Read once: the pid goes into every result.
    private let pid = UInt32(getpid())

    func start(options: PluginOptions, logger: Logger) throws {}

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try BenchRequest(wire: payload)
        switch method {
        case "bench.Sleep":
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(request.sleepMs) * 1_000_000
            while DispatchTime.now().uptimeNanoseconds < end {
                if context.isCancelled { throw PluginError(.deadlineExceeded, "cancelled after its deadline") }
                let now = DispatchTime.now().uptimeNanoseconds
                usleep(useconds_t(min(5_000, max(1, (end > now ? end - now : 0) / 1000))))
            }
        case "bench.Hang":
            usleep(useconds_t(request.sleepMs) * 1000)
        case "bench.Fail" where request.failWith != .ok:
            throw PluginError(request.failWith, "bench.Fail asked to fail with \(request.failWith.name)")
        default:
            break
        }
        return BenchResult(pid: pid, attempt: context.attempt, blob: request.blob).encoded()
    }
}
