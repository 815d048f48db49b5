import Foundation
import RoadSenseProtocol
import RoadSenseStore

@testable import RoadSenseHost

/// One scheduler as a host runs it in live mode — its own store handle on a shared SQLite file and its own
/// leadership handle (a real `flock`) — driven by an injected clock. `kill()` drops both, as a dying process
/// would.
final class SchedulerRig {
    /// One firing: the entry, its nominal slot, and when it fired.
    struct Fired: Equatable, CustomStringConvertible {
        var entry: String
        var slot: String
        var at: String
        /// The instant it fired, to the millisecond.
        var time: Date
        var description: String { "\(entry)@\(slot)" + (slot == at ? "" : " (at \(at))") }
    }

    private(set) var scheduler: BeatScheduler?
    private(set) var store: SQLiteRaceStore?
    private(set) var fired: [Fired] = []
    /// Entries whose previous call the test says is still queued or running.
    var busy: Set<String> = []

    init(path: String, config: [ScheduleEntryConfig], name: String = "host-test") throws {
        let store = try SQLiteRaceStore(path: path)
        self.store = store
        scheduler = try BeatScheduler(
            config: config, store: store, leadership: store.schedulerLeadership(), owner: name, grace: 5,
            logger: Logger(component: name, minimum: .error))
    }

    static func path() throws -> String {
        try TestPaths.temporaryDirectory("sched").appendingPathComponent("store.sqlite").path
    }

    var isActive: Bool { scheduler?.isActive ?? false }

    /// Tries the leadership (as the host loop does); true when it was taken now.
    @discardableResult
    func activate(_ now: Date) -> Bool { scheduler?.activate(now: now) ?? false }

    /// One pass of the host loop at `now`.
    func tick(_ now: Date) {
        let busy = self.busy
        scheduler?.tick(now: now, busy: busy.contains) { firing in
            fired.append(
                Fired(
                    entry: firing.entry.name, slot: SchedulerTestTime.text(firing.slot),
                    at: SchedulerTestTime.text(now), time: now))
        }
    }

    /// Advances event by event (each time to the next fire instant) until `end` (exclusive).
    func run(until end: Date) {
        while let next = scheduler?.nextFireAt, next < end { tick(next) }
    }

    /// The process dies: its lock goes with its file descriptor, its store handle closes.
    func kill() {
        scheduler?.leadership?.release()
        scheduler = nil
        store = nil
    }

    func record(_ entry: String) throws -> ScheduleRecord? {
        try store?.scheduleRecords().first { $0.entry == entry }
    }
}
