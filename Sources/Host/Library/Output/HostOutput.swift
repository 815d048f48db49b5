import Foundation

/// What the host prints for a person: a progress line on a terminal (standard error), redrawn at most
/// four times a second. Logs go to standard error too; updates from `--watch` go to standard output.
public final class HostOutput: @unchecked Sendable {
    let showProgress: Bool
    private var lastDrawNs: UInt64 = 0
    private let lock = NSLock()

    public init(showProgress: Bool = isatty(STDERR_FILENO) == 1) {
        self.showProgress = showProgress
    }

    func progress(_ host: Host) {
        guard showProgress else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDrawNs > 250_000_000 else { return }
        lastDrawNs = now
        var line = ""
        if let feed = host.feed, let clock = host.clock {
            let done = max(0, min(clock.nowMs, feed.endMs) - feed.startMs)
            line += "replay \(Self.clock(done))/\(Self.clock(feed.endMs - feed.startMs)) x\(Int(clock.speed))  "
        }
        line += "laps \(host.tracker.laps.count)  samples \(host.tracker.samplesFed)  "
        line += "calls \(host.statistics.callsDispatched) (\(host.statistics.callsFailed) failed)  "
        line += "queue \(host.queue.count)  workers \(host.workers.count)"
        draw(line)
    }

    /// Clears the progress line so a normal line can be printed in its place.
    public func clearLine() {
        guard showProgress else { return }
        draw("")
    }

    private func draw(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        Console.error("\r\u{1b}[K\(line)")
    }

    static func clock(_ ms: Int64) -> String {
        let seconds = ms / 1000
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
