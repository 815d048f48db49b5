import Foundation
import RaceDomain
import RoadSenseProtocol

extension Host {
    /// Once per loop: process exits, plugins that went FAILED (a CRITICAL alert), restarts due, replicas
    /// being retired (drained, then stopped), and recycling by call count and by memory.
    func supervise() {
        let now = wallNowMs()
        handleExits()
        for failure in supervisor.takeFailures() { announce(failure, nowMs: now) }
        supervisor.startDue(nowMs: now)
        recycleByCalls(nowMs: now)
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
        persist("plugin alert") { try store.upsertAlerts([alert]) }
        alertSeverities[alert.alertID] = alert.severity
        broadcaster.publish(topic: "alert.\(alert.severity.name)", body: .alert(alert), atMs: raceNowMs())
    }

    /// A replica that has answered its plugin's `maxCallsPerProcess` calls is replaced.
    func recycleByCalls(nowMs: Int64) {
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

    /// A replica whose own resident memory (not a peak inherited from anyone) passes its plugin's
    /// `maxMemoryMB` is replaced. The successor is a fresh process, measured from its own start.
    func recycleByMemory(nowMs: Int64) {
        for replica in supervisor.replicas where !replica.retiring && replica.plugin.maxMemoryMB > 0 {
            guard let pid = replica.pid, let megabytes = Self.residentMB(pid: pid),
                megabytes > Double(replica.plugin.maxMemoryMB)
            else { continue }
            supervisor.replace(
                replica.id,
                reason: String(
                    format: "recycled: resident memory %.0f MB over maxMemoryMB %d", megabytes,
                    replica.plugin.maxMemoryMB),
                nowMs: nowMs)
        }
    }

    /// Retiring replicas get no new calls; each is stopped once it holds none — and, for a replacement, only
    /// after its successor has registered (or 15 s have passed, or the successor's plugin FAILED), so
    /// capacity never drops. Plugins drained by `ctl drain` get no new calls either. A FAILED plugin's
    /// replicas still running are stopped the same way (as an OTP supervisor past its restart intensity
    /// stops all its children): they finish their calls, and the plugin's calls wait for `ctl restart`.
    func progressRetirements(nowMs: Int64) {
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
            noNewCalls.contains(worker.hello.pid) || drainedPlugins.contains(worker.hello.plugin)
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
        if let directory = config.pluginsDirectory, fresh.pluginsDirectory != directory {
            fresh.plugins = try PluginManifests.apply(to: fresh.plugins, directory: directory)
        }
        try fresh.validate(source: configFile ?? config.pluginsDirectory ?? "configuration")
        var changes: [String] = []
        let wanted = Dictionary(uniqueKeysWithValues: fresh.plugins.map { ($0.name, $0) })
        for (name, old) in supervisor.plugins where wanted[name] == nil && old.replicas > 0 {
            try supervisor.scale(plugin: name, to: 0, nowMs: nowMs)
            changes.append("\(name): removed (scaled to 0)")
        }
        for plugin in fresh.plugins {
            if let old = supervisor.plugins[plugin.name] {
                if old == plugin { continue }
                var sameButCount = old
                sameButCount.replicas = plugin.replicas
                if sameButCount == plugin {
                    try supervisor.scale(plugin: plugin.name, to: plugin.replicas, nowMs: nowMs)
                    changes.append("\(plugin.name): scaled \(old.replicas) → \(plugin.replicas)")
                } else {
                    try supervisor.restart(plugin: plugin.name, config: plugin, nowMs: nowMs)
                    changes.append("\(plugin.name): settings changed, rolling restart")
                }
            } else {
                supervisor.add(plugin: plugin, nowMs: nowMs)
                changes.append("\(plugin.name): added")
            }
        }
        var ignored: [String] = []
        // Without a configuration file the rest came from defaults and flags, which a reload does not re-read.
        if configFile == nil { ignored = [] } else if fresh.schedule != config.schedule { ignored.append("schedule") }
        if configFile != nil && fresh.store != config.store { ignored.append("store") }
        if configFile != nil
            && (fresh.pluginEndpoint != config.pluginEndpoint || fresh.publishEndpoint != config.publishEndpoint)
        {
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
                handleExits()
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
