import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// The host process: binds the plugin ROUTER and the PUB socket, starts and supervises the plugins, runs
/// the beat schedule, queues and dispatches calls, stores results and publishes them.
///
/// Everything runs on the thread that calls `run()`: the sockets, the store and all state are confined
/// to it; other threads (process exits, signals, `submit`, `requestStop`) only enqueue under a lock and
/// signal `wakeup`, which the poll watches. That confinement is what the unchecked Sendable relies on.
public final class Host: @unchecked Sendable {
    let config: HostConfiguration
    let replay: ReplayOptions?
    let logger: Logger
    let hostID = "host-\(getpid())"
    let ledger = RowIssueLedger()
    let wakeup: EventFD
    let stopRequested = LockedFlag()
    /// A second SIGINT/SIGTERM: stop at once (calls in flight still go back to the queue).
    let stopNow = LockedFlag()
    /// The stop came from SIGINT (Ctrl-C), not SIGTERM.
    let stoppedByInterrupt = LockedFlag()
    var output: HostOutput

    var store: RaceStore!
    /// Where the store is; its `description` (logs, `ctl status`) hides a PostgreSQL password.
    var storeLocation = StoreLocation.sqlite(path: "")
    var context: ZMQContext!
    var router: ZMQSocket!
    /// ROUTER socket answering `roadsense ctl` requests (see Host+Control).
    var control: ZMQSocket?
    /// CURVE keys and the ZAP handler, when an endpoint is `tcp://` (see Host+Security).
    var curve: CurveSecurity?
    var zap: ZAPHandler?
    let startedWallMs = Int64(Date().timeIntervalSince1970 * 1000)
    var broadcaster: Broadcaster!
    var supervisor: PluginSupervisor!
    var feed: ReplayFeed?
    var clock: ReplayClock?
    var scheduler: BeatScheduler!
    /// The entry and slot of each scheduled call still queued or running, to record its outcome.
    var scheduledSlots: [String: (entry: String, slot: Date)] = [:]
    var lastLeadershipPollWallMs: Int64 = 0
    /// `recoverUnfinished` ran once: later takeovers leave this host's own calls alone (it still holds them).
    var hasRecovered = false
    /// A replay's hold on the store's scheduler lock, when it was free (see Host+Schedule).
    var replayStoreLock: SchedulerLeadership?
    var tracker = RaceTracker()
    /// The on-disk buffer of store writes made while the store is unreachable (see Host+Outage).
    var spool: WriteSpool!
    var storeHealth = StoreHealth()
    /// Writes made inside the open `committing` pass, written (or spooled) together at its end.
    var batchWrites: [StoreWrite] = []
    var batchWhat: String?
    /// The current outage: its alert, and the spool's counters when it began (for the summary at its end).
    var outageAlertID: String?
    var outageSpooledAtStart = 0
    var outageRefusedAtStart = 0
    var spoolFullReported = false
    var queue = CallQueue()
    var workers = WorkerTable()
    var inFlight: [String: PendingCall] = [:]
    var statistics = HostStatistics()
    /// The rate limit on warnings about bad input from peers (see Host+BadInput).
    var badInputLog = BadInputLog()
    var alertSeverities: [String: Severity] = [:]
    /// Laps and position last published per car (states without news are not re-published).
    var publishedStates: [String: [Int]] = [:]
    /// Laps completed at each car's last published prediction.
    var publishedPredictions: [String: Int] = [:]
    var lastHeartbeatWallMs: Int64 = 0
    var lastInboxCheckWallMs: Int64 = 0
    var lastExpiryCheckWallMs: Int64 = 0
    /// The earliest moment an in-flight call reaches a time limit (its deadline, or after Cancel its hard
    /// limit): until then `enforceTimeLimits` has nothing to do and skips its walk over `inFlight`.
    var nextTimeLimitWallMs: Int64 = .max
    /// The replay reached its end (as opposed to being stopped by a signal).
    var replayCompleted = false

    /// Stopped by SIGINT (Ctrl-C) before a replay reached its end. A SIGTERM is a normal stop (exit 0).
    public var interrupted: Bool { stoppedByInterrupt.isSet && !replayCompleted }
    var runtimeLock: RuntimeLock?
    /// Called once the sockets are bound, before plugins start (e.g. to connect a watcher).
    public var onReady: (() throws -> Void)?
    /// Called on the host thread when a call finishes (succeeded, failed for good, or expired).
    public var onCallFinished: ((String, CallRecord.State) -> Void)?
    /// The configuration file this host was started with (`ctl reload` re-reads it).
    public var configFile: String?
    /// The command-line flags that override the configuration file (`ctl reload` applies them again).
    public var overrides = ConfigurationOverrides()
    /// Each served method's retry policy, from the plugin manifests (updated by `ctl reload`).
    var retryPolicies: [String: RetryPolicy] = [:]
    /// Plugins told by `ctl drain` to take no new calls.
    var drainedPlugins: Set<String> = []
    var lastMemoryCheckWallMs: Int64 = 0
    /// Plugins already warned that their maxMemoryMB is below a fresh replica's memory.
    var memoryWarnedPlugins: Set<String> = []
    /// Calls finished in the open pass, announced once it commits (see `committing`).
    var settling: [SettledCall] = []
    var holdingFinishes = false
    /// The first write of the open pass that failed: the pass is rolled back instead of committed.
    var passStoreError: Error?
    /// Calls failed for good or expired whose final row a failed pass rolled back, stored again later.
    var unstoredFinals: [SettledCall] = []
    var lastUnstoredRetryWallMs: Int64 = 0
    /// Called on the host thread for each call that succeeded, with the nanoseconds from sending it to a
    /// worker to its result being handled and stored: the host's own round trip (the dispatch benchmark).
    public var onRoundTrip: ((UInt64) -> Void)?
    /// Called on the host thread once calls submitted from other threads of this process are stored and
    /// queued, with the number of calls now queued (the dispatch benchmark's memory figure).
    public var onSubmittedQueued: ((Int) -> Void)?
    /// Called on the host thread when a worker registers, with its pid (the restart benchmark).
    public var onWorkerRegistered: ((UInt32) -> Void)?
    /// Calls submitted from other threads of this process, waiting for the loop.
    let inbox = LockedQueue<PendingCall>()

    public init(config: HostConfiguration, replay: ReplayOptions?, logger: Logger, output: HostOutput) throws {
        self.config = config
        self.replay = replay
        self.logger = logger
        self.output = output
        wakeup = try EventFD()
    }

    /// Runs until the replay is done or SIGINT/SIGTERM; returns the summary.
    public func run() throws -> RunSummary {
        let wallStart = Date()
        // Signal handling first: a SIGTERM that arrived while SIGTERM is ignored but before its dispatch
        // source listens would be lost, and the host would never stop.
        let signals = installSignalHandlers()
        defer { for source in signals { source.cancel() } }
        defer { shutdown() }
        try prepare()

        try awaitPlugins()
        if let feed, let replay {
            // ZeroMQ's slow joiner: a subscriber started before the host reconnects every 100 ms, so give it
            // half a second to join before the race clock starts (the PUB socket keeps no history).
            let joinDeadline = wallNowMs() + 500
            while wallNowMs() < joinDeadline && !stopRequested.isSet { try pollOnce(timeoutMs: 50) }
            clock = ReplayClock(raceStartMs: feed.startMs, speed: replay.speed)
            logger.info(
                "replay started",
                ["race.start": Self.iso(feed.startMs), "race.end": Self.iso(feed.endMs), "speed": replay.speed])
        }
        if replay != nil { _ = scheduler.activate(now: Self.date(raceNowMs())) }
        try loop()
        finishInFlight()
        statistics.wallSeconds = Date().timeIntervalSince(wallStart)
        return try summary()
    }

    /// Validates and binds everything before any plugin starts, so an operator error fails at once.
    func prepare() throws {
        try config.validate()
        retryPolicies = config.plugins.retryPolicies()
        runtimeLock = try RuntimeLock.acquire(directory: config.runtimeDirectory)
        if let replay {
            do {
                feed = try ReplayFeed(directory: replay.directory, race: replay.race, ledger: ledger)
            } catch let error as TRDError {
                throw HostError(.badInput, error.description)
            }
            if let feed {
                logger.info(
                    "replay feed ready",
                    ["telemetry.samples": feed.sampleCount, "telemetry.spilled_runs": feed.spilledRuns])
            }
            tracker.raceLaps = feed?.raceLaps ?? 0
            tracker.carByVehicle = feed?.race.carByVehicle ?? [:]
            for note in feed?.race.mappingNotes ?? [] { logger.info("car mapping", ["note": note]) }
        }
        // The host writes small call rows: SQLite's own 2 MB page cache keeps it lean (100,000 queued calls
        // within the 50 MB target); the telemetry writers keep the larger default.
        storeLocation = try StoreLocation.parse(config.store)
        store = try openStore(storeLocation, sqliteCacheKiB: 2048, sqliteBusyTimeoutMs: config.storeBusyTimeoutMs)
        queue = CallQueue(spillAbove: config.residentQueuedCalls, load: { [unowned self] in try self.loadQueued($0) })
        try prepareSpool()
        try prepareScheduler()

        context = try ZMQContext()
        try prepareSecurity()
        router = try ZMQSocket(context: context, kind: .router)
        try router.setRouterMandatory(true)
        try secure(router, endpoint: config.pluginEndpoint, domain: CurveSecurity.pluginDomain)
        do {
            try router.bind(config.pluginEndpoint)
            broadcaster = try Broadcaster(context: context, endpoint: config.publishEndpoint) { [unowned self] in
                try self.secure($0, endpoint: config.publishEndpoint, domain: CurveSecurity.updatesDomain)
            }
            let control = try ZMQSocket(context: context, kind: .router)
            try control.bind(Self.controlEndpoint(runtimeDirectory: config.runtimeDirectory))
            self.control = control
        } catch {
            throw HostError(.socket, "cannot bind \(config.pluginEndpoint) / \(config.publishEndpoint): \(error)")
        }

        // `tcp://HOST:*` binds a free port: plugins and the log get the port actually bound.
        let pluginEndpoint = (try? router.lastEndpoint()) ?? config.pluginEndpoint
        supervisor = PluginSupervisor(
            plugins: config.plugins, endpoint: pluginEndpoint, store: config.store, logLevel: config.logLevel,
            binDirectory: Self.binDirectory(), wakeup: wakeup, logger: logger.child("supervisor"))
        try supervisor.verifyExecutables()
        logger.info(
            "host ready",
            ["plugins": pluginEndpoint, "updates": broadcaster.boundEndpoint, "store": storeLocation.description])
        try onReady?()
    }

    /// Starts the plugins and waits (up to 15 s) until every configured plugin has a registered worker.
    func awaitPlugins() throws {
        supervisor.startDue(nowMs: wallNowMs())
        let expected = Set(config.plugins.filter { $0.replicas > 0 }.map(\.name))
        let deadline = wallNowMs() + 15_000
        // A worker counts for the configured plugin that started its process (two plugins may run the same
        // executable, whose Hello gives the same name), or for its Hello's name when it came on its own.
        func registered() -> Set<String> {
            Set(
                workers.workers.values.map { worker in
                    Int32(exactly: worker.hello.pid).flatMap { supervisor.replica(pid: $0)?.plugin.name }
                        ?? worker.hello.plugin
                })
        }
        while wallNowMs() < deadline && !stopRequested.isSet {
            if expected.subtracting(supervisor.failed.keys).isSubset(of: registered()) { return }
            try pollOnce(timeoutMs: 50)
            _ = supervisor.collectExits(nowMs: wallNowMs())
            supervisor.startDue(nowMs: wallNowMs())
            // Heartbeats go out meanwhile, or the workers already registered would find the host silent.
            checkWorkers()
        }
        let missing = expected.subtracting(registered()).sorted()
        if !missing.isEmpty {
            logger.warning(
                "plugins not registered after 15 s; their calls will queue until they connect",
                ["plugins": missing.joined(separator: ",")])
        }
    }

    /// The main loop: feed, schedule, dispatch, receive, supervise — until the replay is over.
    func loop() throws {
        var finalRound = false
        var drainDeadline: Int64 = .max
        while !stopRequested.isSet {
            let now = raceNowMs()
            supervise()
            tendStore()
            storeUnstoredFinals()
            pollLeadership()
            try releaseFeed(upTo: now)
            // After the final round the race is over: the schedule stops, only the drain goes on.
            if !finalRound { fireSchedule(at: now, force: false) }
            if claimsStoreCalls && !storePaused { claimSubmitted() }
            drainInbox()
            expireQueued()
            dispatch()

            try pollOnce(timeoutMs: pollTimeoutMs())
            checkWorkers()
            flushBadInputWarnings()
            output.progress(self)

            // A replay ends after the last event: one final round of every job, then drain.
            if let feed, feed.isExhausted, now >= feed.endMs {
                if !finalRound {
                    finalRound = true
                    fireSchedule(at: now, force: true)
                    drainDeadline = wallNowMs() + 30_000
                } else if (queue.count == 0 && inFlight.isEmpty && spool.isEmpty) || wallNowMs() > drainDeadline {
                    if wallNowMs() > drainDeadline {
                        logger.error(
                            "replay finished but calls were still pending after 30 s; counting them as failed",
                            ["queued": queue.count, "in_flight": inFlight.count])
                        statistics.callsFailed += queue.count + inFlight.count
                    }
                    replayCompleted = true
                    reportScheduleSkips()
                    return
                }
            }
        }
    }

    /// Accepts a call from any thread of this process; the host loop queues it (storing it first when
    /// `durable`). Returns the call id.
    @discardableResult
    public func submit(
        method: String, payload: [UInt8], priority: Priority = .medium, timeoutMs: Int64 = 30_000,
        maxAttempts: Int = 3, durable: Bool = true
    ) -> String {
        let id = CallIDSource.shared.make()
        let now = wallNowMs()
        var pending = PendingCall(
            call: Call(
                callID: id, method: method, deadlineMs: 0, attempt: 1, metadata: [],
                payload: payload, priority: priority),
            entry: CallRecord.submitEntry, maxAttempts: maxAttempts, enqueuedWallMs: now, attemptTimeoutMs: timeoutMs)
        pending.durable = durable
        // The loop takes the whole inbox at once: only the call that finds it empty needs to wake it.
        if inbox.append(pending) { wakeup.signal() }
        return id
    }

    /// Asks the loop to stop (from any thread).
    public func requestStop() {
        stopRequested.set()
        wakeup.signal()
    }

    /// Registered workers (read on the host thread, e.g. from `onCallFinished`).
    public var workerCount: Int { workers.count }

    /// Says how many schedule firings were skipped because the entry's previous call was still busy
    /// (at a high replay speed the plugins may not keep up with the compressed schedule).
    func reportScheduleSkips() {
        for entry in scheduler.entries {
            guard let state = entry.state, state.skippedOverlapCount > 0 || state.missedCount > 0 else { continue }
            logger.warning(
                "schedule entry skipped firings: its previous call was still queued or running"
                    + (replay.map {
                        $0.speed > 1 ? " (replay speed \($0.speed)× may be more than the plugins keep up with)" : ""
                    } ?? ""),
                [
                    "entry": entry.config.name, "fired": state.firedCount, "skipped": state.skippedOverlapCount,
                    "missed_slots": state.missedCount,
                ])
        }
    }

    func pollTimeoutMs() -> Int {
        var timeout: Int64 = 100
        if let next = scheduler?.nextFireAt.map(Self.ms) {
            let wait = clock.map { $0.wallMs(until: next) } ?? (next - wallNowMs())
            timeout = min(timeout, max(wait, 0))
        }
        if clock != nil { timeout = min(timeout, 20) }
        return Int(max(timeout, 1))
    }

    func raceNowMs() -> Int64 { clock?.nowMs ?? wallNowMs() }
    func wallNowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Where `roadsense` lives; the plugin executables are built next to it.
    static func binDirectory() -> String {
        let exe = Bundle.main.executablePath ?? CommandLine.arguments[0]
        return (URL(fileURLWithPath: exe).resolvingSymlinksInPath().path as NSString).deletingLastPathComponent
    }

    static func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    private func installSignalHandlers() -> [DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let flag = stopRequested
            let now = stopNow
            let interrupt = stoppedByInterrupt
            let wakeup = self.wakeup
            let logger = self.logger
            source.setEventHandler {
                if flag.isSet {
                    logger.warning(
                        "second stop signal: stopping at once; calls in flight go back to the queue",
                        ["signal": number])
                    now.set()
                } else {
                    logger.info(
                        "stop requested by signal: no new calls; calls in flight may finish (a second signal stops "
                            + "at once)", ["signal": number])
                    if number == SIGINT { interrupt.set() }
                }
                flag.set()
                wakeup.signal()
            }
            source.resume()
            return source
        }
    }

    /// Says goodbye to the workers, stops the plugins and closes the sockets (linger is short, so this
    /// never hangs on undelivered messages).
    func shutdown() {
        flushBadInputWarnings(force: true)
        for identity in workers.workers.keys {
            _ = try? router?.send(
                [identity] + PeerFrames.encode(.goodbye(Goodbye(reason: "host stopping"))), dontWait: true)
        }
        supervisor?.stopAll(graceMs: 3000)
        router?.close()
        control?.close()
        broadcaster?.close()
        zap?.close()
        context?.terminate()
        replayStoreLock?.release()
        runtimeLock = nil
    }
}
