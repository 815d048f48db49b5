import Foundation
import RoadSenseProtocol
import Testing

/// What the host guarantees for any plugin executable, not only its own: it cannot outlive the host (the
/// host starts it through `roadsense-launch`, PR_SET_PDEATHSIG(SIGKILL)), and its stdout and stderr reach
/// the host log line by line with the plugin's name and pid. The plugins here are shell scripts.
@Suite("Any plugin executable: parent death and output relay", .serialized)
struct PluginProcessTests {
    /// Writes an executable `/bin/sh` script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = try TestPaths.temporaryDirectory("script-plugin").appendingPathComponent(name).path
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }

    func plugin(_ name: String, executable: String, pidFile: String, _ extra: [String: Any] = [:]) -> [String: Any] {
        var plugin: [String: Any] = [
            "name": name, "executable": executable, "replicas": 1, "methods": ["\(name).Nothing"],
            "environment": ["PID_FILE": pidFile],
        ]
        plugin.merge(extra) { $1 }
        return plugin
    }

    /// The pid a script wrote to `path`, once it did.
    func pid(in path: String) -> Int32? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test("a plugin that ignores SIGTERM and is no RoadSense program dies when its host is SIGKILLed")
    func noPluginOutlivesItsHost() throws {
        let pidFile = try TestPaths.temporaryDirectory("pdeathsig").appendingPathComponent("pid").path
        // SIGTERM and SIGINT ignored (and still ignored after exec): only the kernel's SIGKILL can end it.
        let stubborn = try script(
            "stubborn",
            "trap '' TERM INT HUP\necho $$ > \"$PID_FILE.tmp\" && mv \"$PID_FILE.tmp\" \"$PID_FILE\"\nexec sleep 600")
        let harness = try HostHarness(
            replicas: 0, plugins: [plugin("stubborn", executable: stubborn, pidFile: pidFile)])
        try harness.start()
        #expect(try harness.wait(seconds: 20) { _ in self.pid(in: pidFile) != nil })
        let pid = try #require(self.pid(in: pidFile))
        defer { kill(pid, SIGKILL) }
        // The script execs `sleep` in its place: the pid it wrote is the process to watch.
        let execed = try harness.wait(seconds: 20) { _ in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").hasPrefix("sleep")
        }
        #expect(execed && HostHarness.isAlive(pid))
        // …and the one the host supervises: the launcher ran it in its own place, same pid.
        let replica = (try harness.status()["replicas"] as? [[String: Any]] ?? []).first
        #expect(replica?["pid"] as? Int == Int(pid), "\(String(describing: replica))")
        kill(pid, SIGTERM)  // ignored
        harness.stop(kill: true)
        #expect(try harness.wait(seconds: 10) { _ in !HostHarness.isAlive(pid) }, "the plugin outlived its host")
    }

    @Test("a plugin's stdout and stderr lines reach the host log with its name and pid, the last one unfinished")
    func outputRelay() throws {
        let pidFile = try TestPaths.temporaryDirectory("relay").appendingPathComponent("pid").path
        let talker = try script(
            "talker",
            """
            echo $$ > "$PID_FILE"
            echo "lap 12 looks quick"
            echo "brake temperature sensor missing" >&2
            printf 'last words without a newline'
            exit 3
            """)
        let harness = try HostHarness(
            replicas: 0,
            plugins: [
                plugin("talker", executable: talker, pidFile: pidFile, ["maxRestarts": 0]),
                SupervisionTests.plugin("bench", replicas: 1),
            ])
        try harness.start()
        #expect(
            try harness.wait(seconds: 20) { _ in harness.log.contains("last words without a newline") },
            "\(harness.log)")
        #expect(try harness.wait(seconds: 20) { _ in harness.log.contains("component=plugin.bench") })
        harness.stop()
        let pid = try #require(self.pid(in: pidFile))
        let tags = ["plugin=talker", "worker.pid=\(pid)"]
        for (text, stream) in [
            ("lap 12 looks quick", "stdout"), ("brake temperature sensor missing", "stderr"),
            ("last words without a newline", "stdout"),
        ] {
            let lines = HostHarness.lines(in: harness.log, containing: "msg=\"\(text)\"", "stream=\(stream)")
            #expect(lines.count == 1, "\(text): \(harness.log)")
            #expect(lines.allSatisfy { line in tags.allSatisfy { line.contains($0) } }, "\(lines)")
        }
        // A RoadSense plugin's own structured lines pass through whole, tagged with the plugin and its pid.
        let connected = HostHarness.lines(in: harness.log, containing: "component=plugin.bench", "connected to host")
        #expect(connected.count == 1, "\(harness.log)")
        #expect(
            connected.allSatisfy { $0.hasPrefix("ts=") && $0.contains(" plugin=bench") && $0.contains("worker.pid=") })
    }
}
