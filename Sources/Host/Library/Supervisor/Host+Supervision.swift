import Foundation
import RaceDomain
import RoadSenseProtocol

extension Host {
    /// Once per loop: process exits, plugins that went FAILED (a CRITICAL alert), restarts due, replicas
    /// being retired (drained, then stopped), and recycling by call count and by memory.
    func supervise() {
        committing("supervision") { supervisionPass() }
    }

    private func supervisionPass() {
        let now = wallNowMs()
        handleExits()
        for failure in supervisor.takeFailures() { announce(failure, nowMs: now) }
        supervisor.startDue(nowMs: now)
        recycleByCalls(nowMs: now)
        measureMemoryBaselines()
        if now - lastMemoryCheckWallMs >= 2000 {
            lastMemoryCheckWallMs = now
            recycleByMemory(nowMs: now)
        }
        progressRetirements(nowMs: now)
    }

    /// A FAILED plugin raises a CRITICAL alert, stored and published like any other.
    func announce(_ failure: PluginSupervisor.Failure, nowMs: Int64) {
        let alert = Alert(
            alertID: "plugin_failed/\(failure.plugin)", vehicleID: "", carNumber: nil, rule: "plugin_failed",
            severity: .critical,
            message:
                "plugin \(failure.plugin) crashed \(failure.crashes) times in \(failure.windowSeconds) s (last: "
                + "\(failure.lastExit)) and is not restarted; its other replicas finish the calls they hold and "
                + "stop, and its calls wait in the queue. Fix the cause, then run: roadsense ctl restart "
                + "\(failure.plugin)",
            raisedMs: nowMs, lap: 0, value: Double(failure.crashes), threshold: nil, channel: "supervisor")
        statistics.pluginsFailed += 1
        persist("plugin alert", .alerts([alert]))
        alertSeverities[alert.alertID] = alert.severity
        broadcaster.publish(topic: "alert.\(alert.severity.name)", body: .alert(alert), atMs: raceNowMs())
    }

    /// A replica that has answered its plugin's `maxCallsPerProcess` calls is replaced.
    func recycleByCalls(nowMs: Int64) {
        // This runs on every loop pass: nothing to walk unless some plugin recycles by call count.
        guard supervisor.replicas.contains(where: { $0.plugin.maxCallsPerProcess > 0 }) else { return }
        for worker in workers.workers.values {
            guard let pid = Int32(exactly: worker.hello.pid), let replica = supervisor.replica(pid: pid),
                !replica.retiring, replica.plugin.maxCallsPerProcess > 0,
                worker.done + worker.failed >= replica.plugin.maxCallsPerProcess
            else { continue }
            supervisor.replace(
                replica.id, reason: "recycled after \(worker.done + worker.failed) calls (maxCallsPerProcess)",
                nowMs: nowMs)
        }
    }

    /// Recycling by memory, without celery#4125's loop (a replacement that starts near or over the limit is
    /// replaced again at once, forever): each replica's own resident memory is measured when its worker
    /// registers (its baseline), and it is replaced only when it is over `maxMemoryMB` **and** has grown by a
    /// quarter of `maxMemoryMB` since then (`MemoryRecycling.thresholdMB`). A plugin whose fresh replica is
    /// already over the limit is warned about once: the limit is too low for it.
    func recycleByMemory(nowMs: Int64) {
        for replica in supervisor.replicas where !replica.retiring && replica.plugin.maxMemoryMB > 0 {
            guard let pid = replica.pid, let baseline = replica.baselineMB,
                let megabytes = Self.residentMB(pid: pid)
            else { continue }
            let limit = replica.plugin.maxMemoryMB
            guard megabytes > MemoryRecycling.thresholdMB(limitMB: limit, baselineMB: baseline) else { continue }
            supervisor.replace(
                replica.id,
                reason: String(
                    format: "recycled: resident memory %.0f MB over maxMemoryMB %d (%.0f MB when it was ready)",
                    megabytes, limit, baseline),
                nowMs: nowMs)
        }
    }

    /// Measures each replica's memory once its worker has registered (ready), for `recycleByMemory`.
    func measureMemoryBaselines() {
        for replica in supervisor.replicas where replica.baselineMB == nil && replica.plugin.maxMemoryMB > 0 {
            guard let pid = replica.pid, workers.hasWorker(pid: UInt32(pid)),
                let megabytes = Self.residentMB(pid: pid)
            else { continue }
            supervisor.setBaseline(replica.id, megabytes: megabytes)
            let limit = replica.plugin.maxMemoryMB
            guard megabytes > Double(limit), memoryWarnedPlugins.insert(replica.plugin.name).inserted else { continue }
            logger.warning(
                "maxMemoryMB is below what a fresh replica of this plugin uses; it is not recycled for that, only "
                    + "once it grows by a quarter of the limit. Raise maxMemoryMB above the baseline",
                [
                    "plugin": replica.plugin.name, "worker.pid": pid, "max_memory_mb": limit,
                    "baseline_mb": Int(megabytes.rounded()),
                    "recycled_above_mb": Int(MemoryRecycling.thresholdMB(limitMB: limit, baselineMB: megabytes)),
                ])
        }
    }

    /// Retiring replicas get no new calls; each is stopped once it holds none — and, for a replacement, only
    /// after its successor has registered (or 15 s have passed, or the successor's plugin FAILED), so
    /// capacity never drops. Plugins drained by `ctl drain` get no new calls either. A FAILED plugin's
    /// replicas still running are stopped the same way (as an OTP supervisor past its restart intensity
    /// stops all its children): they finish their calls, and the plugin's calls wait for `ctl restart`.
    func progressRetirements(nowMs: Int64) {
        // This runs on every loop pass: nothing to do while no replica retires, no plugin is FAILED (its replicas
        // still running are stopped here) and nothing is drained.
        guard drainedPlugins.isEmpty, supervisor.failed.isEmpty, !supervisor.replicas.contains(where: \.retiring),
            !workers.anyDraining
        else {
            return progressRetiring(nowMs: nowMs)
        }
    }

    private func progressRetiring(nowMs: Int64) {
        var noNewCalls: Set<UInt32> = []
        for replica in supervisor.replicas where !replica.retiring && supervisor.failed[replica.plugin.name] != nil {
            guard let pid = replica.pid else { continue }
            noNewCalls.insert(UInt32(pid))
            if !workers.isBusy(pid: UInt32(pid)) { supervisor.stop(replica.id) }
        }
        for replica in supervisor.replicas where replica.retiring {
            guard let pid = replica.pid else { continue }
            if let successor = replica.successor.flatMap({ supervisor.replica(id: $0) }),
                supervisor.failed[replica.plugin.name] == nil, nowMs - replica.retireStartedWallMs < 15_000
            {
                let serving = successor.pid.map { workers.hasWorker(pid: UInt32($0)) } ?? false
                if !serving { continue }
            }
            noNewCalls.insert(UInt32(pid))
            if !workers.isBusy(pid: UInt32(pid)) { supervisor.stop(replica.id) }
        }
        workers.setDraining { worker in
            guard !noNewCalls.contains(worker.hello.pid) else { return true }
            guard !drainedPlugins.isEmpty else { return false }
            // `ctl drain` names the configured plugin; a worker started by hand goes by its Hello's name.
            let configured = Int32(exactly: worker.hello.pid).flatMap { supervisor.replica(pid: $0)?.plugin.name }
            return drainedPlugins.contains(configured ?? worker.hello.plugin)
        }
    }

    /// Answers `ctl scale|restart|drain|resume|reload`.
    func runControl(_ command: String, _ request: [String: Any]) -> [String: Any] {
        let now = wallNowMs()
        let plugin = request["plugin"] as? String ?? ""
        do {
            switch command {
            case "scale":
                let count = request["replicas"] as? Int ?? -1
                guard (0...64).contains(count) else { return ["error": "replicas must be 0…64"] }
                try supervisor.scale(plugin: plugin, to: count, nowMs: now)
                return [
                    "done": "\(plugin): scaling to \(count) replica(s); surplus ones stop once their calls are done"
                ]
            case "restart":
                try supervisor.restart(plugin: plugin, nowMs: now)
                drainedPlugins.remove(plugin)
                return ["done": "\(plugin): rolling restart; each new replica serves before the old one stops"]
            case "drain":
                guard supervisor.plugins[plugin] != nil || workers.count(plugin: plugin) > 0 else {
                    return ["error": "no plugin named '\(plugin)'"]
                }
                drainedPlugins.insert(plugin)
                return ["done": "\(plugin): no new calls; calls in flight finish. Undo: roadsense ctl resume \(plugin)"]
            case "resume":
                guard drainedPlugins.remove(plugin) != nil else { return ["error": "\(plugin) is not drained"] }
                return ["done": "\(plugin): taking calls again"]
            case "reload":
                return try reload(nowMs: now)
            default:
                return ["error": "unknown command \(command)"]
            }
        } catch {
            return ["error": "\(error)"]
        }
    }

    /// Re-reads the configuration file's plugins: new plugins start, removed ones scale to 0, changed ones get
    /// a rolling restart with their new settings, unchanged ones are left alone. Other keys need a host restart.
    func reload(nowMs: Int64) throws -> [String: Any] {
        guard configFile != nil || config.pluginsDirectory != nil else {
            return ["error": "this host was started without --config or --plugins-dir; there is nothing to reload"]
        }
        var fresh = try configFile.map { try HostConfiguration.load(file: $0) } ?? .defaults()
        // The command-line flags win over the file now as they did at start.
        try overrides.apply(to: &fresh)
        try fresh.validate(source: configFile ?? config.pluginsDirectory ?? "configuration")
        var changes: [String] = []
        let wanted = Dictionary(uniqueKeysWithValues: fresh.plugins.map { ($0.name, $0) })
        for (name, old) in supervisor.plugins where wanted[name] == nil && old.replicas > 0 {
            try supervisor.scale(plugin: name, to: 0, nowMs: nowMs)
            changes.append("\(name): removed (scaled to 0)")
        }
        for plugin in fresh.plugins {
            guard let old = supervisor.plugins[plugin.name] else {
                supervisor.add(plugin: plugin, nowMs: nowMs)
                changes.append("\(plugin.name): added")
                continue
            }
            if old == plugin { continue }
            // The replica count and the retry policy apply without restarting anything.
            var live = old
            live.replicas = plugin.replicas
            live.retry = plugin.retry
            live.methodRetry = plugin.methodRetry
            guard live == plugin else {
                try supervisor.restart(plugin: plugin.name, config: plugin, nowMs: nowMs)
                changes.append("\(plugin.name): settings changed, rolling restart")
                continue
            }
            if old.retry != plugin.retry || old.methodRetry != plugin.methodRetry {
                live.replicas = old.replicas
                supervisor.update(plugin: live)
                changes.append("\(plugin.name): retry policy updated")
            }
            if old.replicas != plugin.replicas {
                try supervisor.scale(plugin: plugin.name, to: plugin.replicas, nowMs: nowMs)
                changes.append("\(plugin.name): scaled \(old.replicas) → \(plugin.replicas)")
            }
        }
        retryPolicies = fresh.plugins.retryPolicies()
        var ignored: [String] = []
        if fresh.schedule != config.schedule { ignored.append("schedule") }
        if fresh.store != config.store { ignored.append("store") }
        if fresh.pluginEndpoint != config.pluginEndpoint || fresh.publishEndpoint != config.publishEndpoint {
            ignored.append("endpoints")
        }
        logger.info(
            "configuration reloaded",
            ["file": configFile ?? config.pluginsDirectory ?? "", "changes": changes.joined(separator: "; ")])
        var answer: [String: Any] = [
            "done": changes.isEmpty ? "no plugin changed" : changes.joined(separator: "\n"), "changes": changes,
        ]
        if !ignored.isEmpty {
            answer["done"] =
                (answer["done"] as? String ?? "") + "\nnot applied until the host restarts: "
                + ignored.joined(separator: ", ")
        }
        return answer
    }

    /// The resident set of a process, from /proc (nil when it is gone).
    static func residentMB(pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }
}

extension Host {
    /// After a stop request: no new calls are dispatched; calls in flight get up to `shutdownGraceMs` to
    /// finish (a second signal cuts that short), and any still running then go back to the durable queue —
    /// recorded `queued`, with the same attempt — for the next host to run.
    func finishInFlight() {
        if !inFlight.isEmpty && !stopNow.isSet {
            logger.info(
                "stopping: waiting for calls in flight to finish",
                ["calls": inFlight.count, "grace_ms": config.shutdownGraceMs])
            let deadline = wallNowMs() + Int64(config.shutdownGraceMs)
            while !inFlight.isEmpty && wallNowMs() < deadline && !stopNow.isSet {
                do { try pollOnce(timeoutMs: 50) } catch { break }
                committing("process exits") { handleExits() }
                checkWorkers()
            }
        }
        guard !inFlight.isEmpty else { return }
        logger.warning(
            "calls still running at shutdown go back to the queue; the next host runs them",
            ["calls": inFlight.count])
        committing("calls returned to the queue") {
            for pending in inFlight.values where pending.durable {
                var returned = pending
                returned.worker = nil
                record(returned, state: .queued, message: "host stopped while the call was running; queued again")
            }
        }
        inFlight.removeAll()
    }
}
