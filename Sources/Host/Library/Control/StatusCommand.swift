import Foundation
import RoadSenseProtocol

/// `roadsense ctl status|schedule|scale|restart|drain|resume|reload … [--json] [--runtime-dir DIR | --endpoint E]`:
/// asks a running host over its control socket what it is doing — plugins and workers, queue depth by
/// priority, the store (`status`); each schedule entry with its last and next run (`schedule`) — or changes
/// its plugins while it runs:
///   ctl scale PLUGIN N       run N replicas (new ones start now; surplus ones drain, then stop)
///   ctl restart PLUGIN       rolling restart; clears FAILED
///   ctl drain PLUGIN         send it no new calls (its calls in flight finish); `resume` undoes it
///   ctl reload               re-read the configuration file; restart only plugins whose settings changed
struct StatusCommand {
    static let commands: Set<String> = ["status", "schedule", "scale", "restart", "drain", "resume", "reload"]

    var endpoint: String
    var json: Bool
    var request: [String: Any] = ["command": "status"]
    /// The runtime directory the endpoint comes from (no `--endpoint`), for the message when nobody answers.
    var runtimeDirectory: String?

    /// Every `ctl` subcommand, for the message when one is missing or unknown.
    static let subcommandList =
        "ctl needs a subcommand — asking a running host: status, schedule, scale PLUGIN N, restart PLUGIN, "
        + "drain PLUGIN, resume PLUGIN, reload; reading the store: calls, dead-letter list|show ID|retry ID|purge, "
        + "alerts, ack ID (roadsense help ctl)"

    static func parse(_ arguments: [String]) throws -> StatusCommand {
        var cursor = ArgumentCursor(arguments)
        var runtime: String?
        var endpoint: String?
        var json = false
        var words: [String] = []
        while let argument = cursor.next() {
            switch argument {
            case "--runtime-dir": runtime = try cursor.value(for: argument)
            case "--endpoint": endpoint = try cursor.value(for: argument)
            case "--json": json = true
            default:
                guard !argument.hasPrefix("--") else { throw HostError(.usage, "unknown option '\(argument)' for ctl") }
                words.append(argument)
            }
        }
        var config = HostConfiguration.defaults()
        if let runtime { config.useRuntimeDirectory(runtime) }
        if let endpoint { try EndpointOption.check(endpoint, option: "ctl --endpoint") }
        var command = StatusCommand(
            endpoint: endpoint ?? Host.controlEndpoint(runtimeDirectory: config.runtimeDirectory), json: json)
        if endpoint == nil { command.runtimeDirectory = config.runtimeDirectory }
        command.request = try request(words)
        return command
    }

    static func request(_ words: [String]) throws -> [String: Any] {
        switch (words.first ?? "status", words.count) {
        case ("status", 1), ("schedule", 1), ("reload", 1): return ["command": words[0]]
        case ("scale", 3):
            guard let count = Int(words[2]), (0...64).contains(count) else {
                throw HostError(.usage, "ctl scale PLUGIN N: N is a number of replicas, 0…64 (got '\(words[2])')")
            }
            return ["command": "scale", "plugin": words[1], "replicas": count]
        case ("restart", 2), ("drain", 2), ("resume", 2): return ["command": words[0], "plugin": words[1]]
        case (let word, _) where commands.contains(word):
            throw HostError(.usage, "ctl \(word): wrong arguments; roadsense help ctl shows each form")
        default:
            throw HostError(.usage, subcommandList)
        }
    }

    func execute() throws -> Int32 {
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try ZMQSocket(context: context, kind: .req)
        defer { socket.close() }
        try socket.connect(endpoint)
        _ = try socket.send([Array(try JSONSerialization.data(withJSONObject: request))], dontWait: false)
        let ready = try ZMQPoller.poll(sockets: [socket], timeoutMs: 3000)
        guard ready.sockets.first == true, let frames = try socket.receive(dontWait: true), let body = frames.first,
            let status = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else {
            throw HostError(.socket, noAnswer())
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: status, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else if let error = status["error"] as? String {
            Console.error("roadsense ctl: \(error)\n")
        } else if request["command"] as? String == "status" {
            print(Self.text(status))
        } else if request["command"] as? String == "schedule" {
            print(Self.scheduleText(status))
        } else {
            print(status["done"] as? String ?? "done")
        }
        return status["error"] == nil ? 0 : 2
    }

    /// `store: UNREACHABLE for 4.2 s (since …): ERROR; next probe in 900 ms; spool 64 writes, 229 KiB of 512 MiB …`
    static func storeLine(_ health: [String: Any]) -> String {
        let spool = health["spool"] as? [String: Any] ?? [:]
        let kib = { (key: String) in String(format: "%.0f KiB", Double(spool[key] as? Int ?? 0) / 1024) }
        let spoolText =
            "spool \(spool["records"] ?? 0) writes, \(kib("bytes")) of \(kib("max_bytes")) in \(spool["directory"] ?? "?")"
            + "  refused \(spool["refused_records"] ?? 0)  held calls \(health["held_calls"] ?? 0)  "
            + "outages \(health["outages"] ?? 0)"
        switch health["state"] as? String {
        case "unreachable":
            let error = (health["last_error"] as? String ?? "").split(separator: "\n").first.map(String.init) ?? ""
            return "store: UNREACHABLE for \(String(format: "%.1f", health["down_s"] as? Double ?? 0)) s "
                + "(since \(health["down_since"] ?? "?")): \(error); next probe in \(health["next_probe_in_ms"] ?? 0) ms; "
                + "calls wait, writes are spooled.  " + spoolText
        case "draining": return "store: reachable, writing the spooled writes.  " + spoolText
        default: return "store: reachable.  " + spoolText
        }
    }

    /// Why nobody answered, as far as this machine can tell.
    func noAnswer() -> String {
        let base = "no host answered on \(endpoint) within 3 s"
        guard let runtimeDirectory else {
            return base + "; is a host's control socket at that --endpoint, and is the host up?"
        }
        guard let pid = RuntimeLock.runningHost(directory: runtimeDirectory) else {
            return base + ": no host is running with --runtime-dir \(runtimeDirectory) (start one with roadsense run "
                + "--runtime-dir \(runtimeDirectory), or give the --runtime-dir the host was started with)"
        }
        return base + "; the host there (pid \(pid)) is alive but busy or stuck; try again, or look at its log"
    }

    static func text(_ s: [String: Any]) -> String {
        var lines = [
            "host \(s["host"] ?? "?") pid \(s["pid"] ?? "?") "
                + "up \(String(format: "%.0f", s["uptime_s"] as? Double ?? 0)) s  store \(s["store"] ?? "?")"
        ]
        if let health = s["store_health"] as? [String: Any] {
            lines.append(Self.storeLine(health))
        }
        if let replay = s["replay"] as? [String: Any] {
            lines.append(
                "replay: race clock \(replay["race_now"] ?? "?") of \(replay["race_end"] ?? "?") "
                    + "at \(replay["speed"] ?? "?")×, \(replay["laps"] ?? 0) laps, \(replay["samples"] ?? 0) samples")
        }
        if let queue = s["queue"] as? [String: Any] {
            lines.append(
                "queue: high \(queue["high"] ?? 0)  medium \(queue["medium"] ?? 0)  low \(queue["low"] ?? 0)  "
                    + "in flight \(queue["in_flight"] ?? 0)")
        }
        if let calls = s["calls"] as? [String: Any] {
            lines.append(
                "calls: dispatched \(calls["dispatched"] ?? 0)  failed \(calls["failed"] ?? 0)  "
                    + "retries \(calls["retries"] ?? 0)  expired \(calls["expired"] ?? 0)  "
                    + "bad frames \(calls["bad_frames"] ?? 0)  late replies \(calls["late_replies"] ?? 0)  "
                    + "refused hellos \(calls["refused_hellos"] ?? 0)  "
                    + "bad control requests \(calls["bad_control_requests"] ?? 0)")
        }
        if let security = s["security"] as? [String: Any] {
            lines.append(Self.securityLine(security))
        }
        lines.append("plugins:")
        for p in s["plugins"] as? [[String: Any]] ?? [] {
            lines.append(
                "  \(p["plugin"] ?? "?")  \(p["state"] ?? "?")  replicas \(p["replicas"] ?? 0)"
                    + ((p["reason"] as? String).map { "  (\($0))" } ?? ""))
        }
        lines.append("replicas:")
        for r in s["replicas"] as? [[String: Any]] ?? [] {
            let exit = (r["last_exit"] as? String).flatMap { $0.isEmpty ? nil : "  last exit: \($0)" } ?? ""
            let process = r["pid"].map { "pid \($0)  up \(r["uptime_s"] ?? 0) s  " } ?? ""
            lines.append(
                "  \(r["plugin"] ?? "?")[\(r["replica"] ?? 0)]  \(r["state"] ?? "?")  \(process)"
                    + "restarts \(r["restarts"] ?? 0)"
                    + (r["pid"] != nil ? "  memory \(r["rss_mb"] ?? 0) MB" : "")
                    + ((r["ready_rss_mb"] as? Double).flatMap { $0 > 0 ? " (\($0) MB when ready)" : nil } ?? "")
                    + exit)
        }
        lines.append("workers:")
        for w in s["workers"] as? [[String: Any]] ?? [] {
            lines.append(
                "  \(w["worker"] ?? "?")  credits \(w["credits"] ?? 0)  in flight \(w["in_flight"] ?? 0)  "
                    + "done \(w["done"] ?? 0)  failed \(w["failed"] ?? 0)  heard \(w["last_heard_ms_ago"] ?? 0) ms ago"
                    + (w["draining"] as? Bool == true ? "  draining" : "")
                    + ((w["last_error"] as? String).flatMap { $0.isEmpty ? nil : "  last error: \($0)" } ?? ""))
        }
        lines.append("schedule:")
        for e in s["schedule"] as? [[String: Any]] ?? [] {
            lines.append(
                "  \(e["entry"] ?? "?")  \(e["spec"] ?? "?")  \(e["priority"] ?? "")  "
                    + "fired \(e["fired"] ?? 0)  skipped \(e["skipped_overlap"] ?? 0)  next \(e["next_due"] ?? "?")")
        }
        return lines.joined(separator: "\n")
    }

    /// One block per entry: spec, policy, last run and outcome, next run in its zone and UTC, counters.
    static func scheduleText(_ s: [String: Any]) -> String {
        var lines = [
            "schedule of \(s["host"] ?? "?"): \(s["role"] ?? "?") on the \(s["clock"] ?? "?") clock, now \(s["now_utc"] ?? "?")"
        ]
        if let lock = s["leadership"] as? String, !lock.isEmpty { lines.append("leadership lock: \(lock)") }
        for e in s["entries"] as? [[String: Any]] ?? [] {
            let enabled = (e["enabled"] as? Bool) ?? true
            lines.append(
                "\(e["entry"] ?? "?")  \(e["method"] ?? "?")  \(e["spec"] ?? "?")  \(e["priority"] ?? "?")"
                    + (enabled ? "  missed runs: \(e["missed_run_policy"] ?? "?")" : "  DISABLED"))
            guard enabled else { continue }
            let last = (e["last_run_local"] as? String).map { "\($0) (\(e["last_run_utc"] ?? "?") UTC)" } ?? "never"
            lines.append("    last run \(last)  outcome \(e["last_outcome"] ?? "-")")
            let next = (e["next_run_local"] as? String).map { "\($0) (\(e["next_run_utc"] ?? "?") UTC)" } ?? "-"
            lines.append(
                "    next run \(next)  fired \(e["fired"] ?? 0)  skipped \(e["skipped_overlap"] ?? 0)  "
                    + "missed \(e["missed"] ?? 0)")
        }
        return lines.joined(separator: "\n")
    }
}
