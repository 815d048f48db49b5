import Foundation
import PluginRuntime
import RoadSenseProtocol

/// `bench.Noop` replies at once; `bench.Sleep` works for `sleep_ms`, stopping early (DEADLINE_EXCEEDED) when
/// the host sends Cancel (its soft time limit); `bench.Fail` replies with `fail_with`; `bench.Hang` works for
/// `sleep_ms` and ignores Cancel, like a handler stuck in a C call — only the hard time limit stops it.
/// `--set leak-kb-per-call=N` keeps N KiB (written, so resident) for the life of the process after every
/// call: a memory leak on purpose, for the recycling-by-memory tests.
final class BenchService: PluginService {
    let name = "bench"
    let methods = ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"]
    /// Noop and Fail return at once; Sleep and Hang run on the work thread (they must not block heartbeats).
    let inlineMethods: Set<String> = ["bench.Noop", "bench.Fail"]

    /// Read once: the pid goes into every result.
    private let pid = UInt32(getpid())
    private var leakBytesPerCall = 0
    private var leaked: [[UInt8]] = []

    func start(options: PluginOptions, logger: Logger) throws {
        if let text = options.settings["leak-kb-per-call"] {
            guard let kb = Int(text), (0...1_048_576).contains(kb) else {
                throw PluginUsageError("--set leak-kb-per-call=\(text): must be 0…1048576 (KiB)")
            }
            leakBytesPerCall = kb * 1024
        }
    }

    func handle(method: String, payload: [UInt8], context: CallContext) throws -> [UInt8] {
        let request = try BenchRequest(wire: payload)
        switch method {
        case "bench.Sleep":
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(request.sleepMs) * 1_000_000
            while DispatchTime.now().uptimeNanoseconds < end {
                // Only the host's Cancel stops it (not this machine's clock), so tests see the soft limit at work.
                if context.cancelReceived { throw PluginError(.deadlineExceeded, "cancelled after its deadline") }
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
        if leakBytesPerCall > 0 { leaked.append([UInt8](repeating: 0xA5, count: leakBytesPerCall)) }
        return BenchResult(pid: pid, attempt: context.attempt, blob: request.blob).encoded()
    }
}
