import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// The `roadsense` command line.
public enum RoadSenseCommand {
    public static let usage = """
        roadsense — real-time race analytics host

        usage:
          roadsense run [--replay DIR [--race N] [--speed N]] [--watch [PREFIXES]] [--config FILE]
                        [--plugins-dir DIR] [--store URL] [--runtime-dir DIR] [--log-level debug|info|warning|error]
              Start the host and its plugins. With --replay, feed one race's organiser files from DIR
              (telemetry, lap start/end/time, weather, 23_ analysis) at N× real time (default 30) and exit
              with a summary when the race is over: 0 if every call succeeded, 1 if any failed, 2 on bad input,
              130 if stopped by Ctrl-C (SIGINT) before the race ended. SIGTERM is a normal stop (exit 0): no
              new calls, calls in flight finish (shutdownGraceMs) or go back to the queue; a second signal
              stops at once.
              --race N          which race of a folder holding two (default 1)
              --watch [PREFIXES] also print broadcast updates (all, or those whose topic starts with one of
                                the comma-separated prefixes; a prefix ending in $ is an exact topic),
                                e.g. --watch 'telemetry.2$,alert.,strategy.13$'
              --config FILE     JSON configuration overriding the built-in defaults (see README)
              --plugins-dir DIR plugin manifests (*.json, one plugin each) replacing or adding plugins
              --store URL       sqlite:PATH (default $ROADSENSE_HOME/roadsense.sqlite) or
                                postgres://USER@HOST[:PORT]/DB (PGHOST, PGUSER, PGPASSWORD… fill in the rest)
              --runtime-dir DIR where the ipc sockets and host lock live (default $ROADSENSE_RUNTIME_DIR, else
                                $XDG_RUNTIME_DIR/roadsense, else /tmp/roadsense-UID)
              --log-level L     debug, info, warning, error (default info)
          roadsense watch [PREFIX...] [--endpoint E] [--runtime-dir DIR] [--until-summary]
                          [--server-key KEY|FILE --secret-key-file FILE]
              Subscribe to the host's PUB socket and print each update as one line. A tcp:// PUB with CURVE
              needs the host's public key and a secret key whose public half the host allows.
          roadsense submit SERVICE.METHOD [--json '{…}'|@FILE | --payload-file F] [--priority high|medium|low]
                           [--deadline SECONDS] [--attempts N] [--wait] [--store URL]
              Accept an ad-hoc call into the durable queue (stored before its id is printed); a running host
              picks it up within a second. --json is the method's request message as JSON (every served
              method; .proto field names or lowerCamelCase, enums by name, bytes base64; see docs/protocol.md;
              --json @FILE reads it from FILE);
              --payload-file sends raw protobuf instead. --wait prints the outcome (status and message of a
              failure) and the result as JSON, and exits 0 on success, 1 otherwise. --deadline is each
              attempt's soft time limit (default 30 s); without --attempts the call gets its method's retry
              policy (the plugin manifest's retry / methodRetry; 3 attempts by default).
          roadsense ctl status [--json] [--runtime-dir DIR | --endpoint E]
          roadsense ctl schedule [--json] [--runtime-dir DIR | --endpoint E]
              Ask a running host over its control socket: plugins and workers (pid, credits, in flight,
              done, failed, restarts), queue depth per priority, schedule entries with next run, store.
              `schedule`: each entry's spec, last run and outcome, next run in its zone and UTC, skips,
              misses, and whether this host leads the schedule or stands by.
          roadsense ctl scale PLUGIN N | restart PLUGIN | drain PLUGIN | resume PLUGIN | reload
                        [--runtime-dir DIR | --endpoint E]
              Change a running host's plugins: run N replicas (surplus ones drain, then stop); rolling
              restart (each new replica serves before the old one stops; clears FAILED); stop sending a
              plugin calls / start again; re-read --config and --plugins-dir, restarting only what changed.
          roadsense ctl calls [--state queued|running|succeeded|failed|expired] [--json] [--store URL]
              The durable call queue and its history, read from the store.
          roadsense ctl dead-letter list | show ID | retry ID | purge  [--json] [--store URL]
              Calls that failed for good, with every attempt's error; retry queues one again with a fresh
              retry budget (a running host picks it up within a second).
          roadsense ctl alerts [--open] [--car N] [--json] [--store URL]
          roadsense ctl ack ID [--note TEXT] [--json] [--store URL]
              Alerts with what triggered them (rule, value, threshold, lap, time), and acknowledging one (an
              acknowledged WARNING does not escalate). See docs/alerts.md.
          roadsense migrate [--store URL] [--dry-run]
              Bring the store's schema to this build's version (run also does so at start); --dry-run lists
              the migrations it would apply and applies none.
          roadsense report DIR [--race N] [--json]
              The post-race review of one race's organiser files without starting the host: per car laps,
              best lap and its number, theoretical best, top speed, finishing position, green/caution and
              pit laps; weather; bad or ignored rows per file. Checked against the organisers' own files.
          roadsense train DIR... -o MODEL
              Fit the pace model's priors (lap-time trend, noise, restart and pit losses, forecast intervals)
              from every race in the directories and write them as JSON (see docs/strategy-evaluation.md).
          roadsense evaluate DIR...
              Leave-one-race-out: forecast each car's next lap and next 5 laps from lap 5 on, and print the
              mean absolute error against the last-lap and mean-of-3 baselines and 80 % interval coverage.
          roadsense bench store [--rows N] [--batch N] [--postgres URL] [--json] [--no-baselines]
              Telemetry frames inserted per second and read-back latency, SQLite and PostgreSQL (COPY) in one
              run, with the sqlite3 CLI's .import and psql's \\copy of the same rows as references.
          roadsense bench dispatch [--calls N] [--workers W] [--credits C] [--json] [--no-baselines]
              No-op calls through a real host to W plugin processes: throughput and round-trip p50/p99,
              transient and durable, host memory with 100,000 calls queued — and, in the same run, a plain
              libzmq floor and Celery+Redis (benchmarks/), with the ratios. See BENCHMARKS.md.
          roadsense bench ingest [--copies N] [--source FILE] [--json]
              Rows per second reading and pivoting long-format telemetry (the real Barber head repeated with
              shifted times, N and 10×N copies), with each size's peak memory.
          roadsense bench restart [--crashes N] [--json]
              Crash (SIGKILL) a plugin replica N times (default 100): crash to replacement registered,
              p50/p99, against spawning the same executable.
          roadsense keygen [--out DIR] [--name NAME] [--force]
              Write a CURVE key pair for TCP endpoints: NAME.key (secret, mode 0600) and NAME.pub in DIR
              (default ./roadsense.key and ./roadsense.pub); prints the public key. Refuses to replace existing
              files unless --force. See README, "Running a plugin on another machine".
          roadsense version
          roadsense help [COMMAND]
              Every command (this text), or one command's part of it: roadsense help ctl.
        """

    /// The part of `usage` about one command: each `roadsense COMMAND …` synopsis and the lines under it.
    static func help(_ command: String) throws -> String {
        var sections: [String] = []
        var commands: [String] = []
        var keep = false
        for line in usage.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(separator: " ")
            if line.hasPrefix("  roadsense "), words.count >= 2 {
                let name = String(words[1])
                if !commands.contains(name) { commands.append(name) }
                keep = name == command
            } else if !line.hasPrefix("    ") {
                keep = false
            }
            if keep { sections.append(String(line)) }
        }
        guard !sections.isEmpty else {
            throw HostError(.usage, "no command '\(command)'; the commands are: \(commands.joined(separator: ", "))")
        }
        return "usage:\n" + sections.joined(separator: "\n")
    }

    /// Runs the command and returns the process exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var cursor = ArgumentCursor(arguments)
        let command = cursor.next() ?? "help"
        do {
            switch command {
            case "run": return try RunCommand.parse(&cursor).execute()
            case "watch": return try WatchCommand.parse(&cursor).execute()
            case "ctl":
                var peek = cursor
                if let word = peek.next(), StatusCommand.commands.contains(word) {
                    return try StatusCommand.parse(cursor.rest()).execute()
                }
                return try CtlCommand.parse(&cursor).execute()
            case "submit": return try SubmitCommand.parse(&cursor).execute()
            case "migrate": return try MigrateCommand.parse(&cursor).execute()
            case "bench": return try BenchCommand.run(&cursor)
            case "report": return try ReportCommand.parse(&cursor).execute()
            case "keygen": return try KeygenCommand.parse(&cursor).execute()
            case "train": return try TrainCommand.parse(&cursor).execute()
            case "evaluate": return try EvaluateCommand.parse(&cursor).execute()
            case "version", "--version":
                let versions = "protocol \(RoadSenseVersion.protocolTag), libzmq \(ZMQVersion.string)"
                print("roadsense \(RoadSenseVersion.string) (\(versions))")
                return 0
            case "help", "-h", "--help":
                guard let topic = cursor.next() else {
                    print(usage)
                    return 0
                }
                print(try help(topic))
                return 0
            default:
                throw HostError(.usage, "unknown command '\(command)'")
            }
        } catch let error as HostError {
            Console.error("roadsense: \(error.description)\n")
            if error.code == .usage {
                Console.error("(roadsense help lists every command)\n")
            }
            return error.exitCode
        } catch let error as StoreError {
            Console.error("roadsense: \(error.description)\n")
            return 2
        } catch {
            Console.error("roadsense: \(error)\n")
            return 1
        }
    }
}
