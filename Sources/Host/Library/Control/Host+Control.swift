import Foundation
import RoadSenseProtocol

/// The control socket: a ROUTER socket on `RUNTIME/control.ipc` answering JSON requests from `roadsense ctl`
/// (a REQ socket) on the host thread, between two polls. It answers `{"command": "status"}`,
/// `{"command": "schedule"}` and the plugin commands of `ctl`.
///
/// Not a REP socket: libzmq's REP copies each request's envelope into the reply pipe as it reads it, and
/// when a malformed request (junk bytes on the socket, which ZMTP 1.0 parses as frames) came from a peer
/// already gone, its rollback leaves the router "inside a message" — the next well-formed request is served
/// but its reply is dropped (libzmq 4.3.4). Here each message is taken whole and answered to its own sender:
/// `[identity, "", request]` (REQ) or `[identity, request]` (DEALER); anything else is dropped and counted.
extension Host {
    static func controlEndpoint(runtimeDirectory: String) -> String { "ipc://\(runtimeDirectory)/control.ipc" }

    /// Answers every request waiting on the control socket.
    func serveControl() {
        guard let control else { return }
        while let frames = try? control.receive(dontWait: true) {
            let envelope: [[UInt8]]
            let body: [UInt8]
            switch frames.count {
            case 3 where frames[1].isEmpty:
                envelope = [frames[0], []]
                body = frames[2]
            case 2 where !frames[1].isEmpty:
                envelope = [frames[0]]
                body = frames[1]
            default:
                statistics.badControlRequests += 1
                warnBadInput(
                    "dropped a malformed message on the control socket (not a ctl request)", peer: frames.first ?? [],
                    ["frames": frames.count])
                continue
            }
            let request = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            if request == nil { statistics.badControlRequests += 1 }
            let answer: [String: Any]
            switch request?["command"] as? String {
            case "status": answer = status()
            case "schedule": answer = scheduleStatus()
            case let command? where StatusCommand.commands.contains(command):
                answer = runControl(command, request ?? [:])
            default:
                answer = [
                    "error": "unknown request; send one JSON object such as {\"command\": \"status\"} "
                        + "(see docs/protocol.md, Sockets)"
                ]
            }
            let data =
                (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]))
                ?? Data("{}".utf8)
            // A sender that has gone is dropped by the ROUTER (not mandatory): nothing to do about it.
            _ = try? control.send(envelope + [Array(data)], dontWait: true)
        }
    }

    /// What `roadsense ctl status` shows: plugins and their workers, the queue, the schedule, the store.
    func status() -> [String: Any] {
        let now = wallNowMs()
        let workerRows: [[String: Any]] = workers.workers.values.sorted { $0.label < $1.label }.map { w in
            [
                "worker": w.label, "plugin": w.hello.plugin, "pid": w.hello.pid, "credits": w.hello.credits,
                "in_flight": w.inFlight.count, "done": w.done, "failed": w.failed,
                "last_heard_ms_ago": now - w.lastHeardWallMs, "methods": w.hello.methods, "draining": w.draining,
                "last_error": w.lastError ?? "",
            ]
        }
        let replicaRows: [[String: Any]] = supervisor.replicas.map { r in
            let state: String
            if supervisor.failed[r.plugin.name] != nil {
                // The replicas of a FAILED plugin are drained and stopped: say which of them still runs.
                state = r.process == nil ? "stopped (plugin FAILED)" : "stopping (plugin FAILED): finishing its calls"
            } else if r.retiring {
                state = "retiring (\(r.retireReason ?? "?"))"
            } else if r.process == nil {
                state = r.nextStartWallMs > now ? "restarting in \(r.nextStartWallMs - now) ms" : "starting"
            } else {
                state = "running"
            }
            var row: [String: Any] = [
                "plugin": r.plugin.name, "replica": r.id, "state": state, "restarts": r.restarts,
                "last_exit": r.lastExit ?? "",
                "rss_mb": r.pid.flatMap { Self.residentMB(pid: $0) }.map { ($0 * 10).rounded() / 10 } ?? 0,
                "ready_rss_mb": r.baselineMB.map { ($0 * 10).rounded() / 10 } ?? 0,
            ]
            // A replica with no process (waiting to restart, stopped) has no pid and no uptime.
            if let pid = r.pid {
                row["pid"] = pid
                row["uptime_s"] = (now - r.startedWallMs) / 1000
            }
            return row
        }
        let pluginRows: [[String: Any]] = supervisor.plugins.values.sorted { $0.name < $1.name }.map { p in
            var row: [String: Any] = [
                "plugin": p.name, "replicas": supervisor.active(p.name).count, "methods": p.methods,
                "state": supervisor.failed[p.name] != nil
                    ? "FAILED" : drainedPlugins.contains(p.name) ? "drained" : "running",
            ]
            if let failure = supervisor.failed[p.name] {
                let running = supervisor.replicas.filter { $0.plugin.name == p.name && $0.process != nil }.count
                row["reason"] =
                    "\(failure.crashes) crashes in \(failure.windowSeconds) s, last \(failure.lastExit); "
                    + (running > 0
                        ? "\(running) replica(s) finishing their calls, then stopping; " : "no replica running; ")
                    + "its calls wait in the queue until: roadsense ctl restart \(p.name)"
            }
            return row
        }
        let scheduleRows: [[String: Any]] = (scheduler?.entries ?? []).filter(\.config.enabled).map { e in
            [
                "entry": e.config.name, "method": e.config.method, "spec": e.spec.description,
                "priority": e.config.priority, "fired": e.state?.firedCount ?? 0,
                "skipped_overlap": e.state?.skippedOverlapCount ?? 0, "missed_slots": e.state?.missedCount ?? 0,
                "next_due": e.state?.nextFireAt.map { Self.iso(Self.ms($0)) } ?? "",
            ]
        }
        var status: [String: Any] = [
            "host": hostID, "pid": getpid(), "version": RoadSenseVersion.string,
            "uptime_s": Double(now - startedWallMs) / 1000, "store": storeLocation.description,
            "sockets": [
                "plugins": config.pluginEndpoint, "updates": config.publishEndpoint,
                "control": Self.controlEndpoint(runtimeDirectory: config.runtimeDirectory),
            ],
            "queue": [
                "high": queue.depth(.high), "medium": queue.depth(.medium), "low": queue.depth(.low),
                "in_flight": inFlight.count,
            ],
            "calls": [
                "dispatched": statistics.callsDispatched, "failed": statistics.callsFailed,
                "retries": statistics.retries, "expired": statistics.expired, "bad_frames": statistics.badFrames,
                "late_replies": statistics.lateReplies,
                "bad_control_requests": statistics.badControlRequests, "refused_hellos": statistics.refusedHellos,
                "store_errors": statistics.storeErrors,
            ],
            "workers": workerRows, "replicas": replicaRows, "plugins": pluginRows, "schedule": scheduleRows,
            "security": securityStatus(), "store_health": storeStatus(),
        ]
        if let feed, let clock {
            status["replay"] = [
                "race_now": Self.iso(min(clock.nowMs, feed.endMs)), "race_end": Self.iso(feed.endMs),
                "speed": clock.speed, "laps": tracker.laps.count, "samples": tracker.samplesFed,
            ]
        }
        return status
    }
}
