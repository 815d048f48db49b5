import Foundation
import RaceDomain
import Testing

@testable import RoadSenseHost

@Suite("Configuration and command line refuse what cannot work")
struct ConfigurationTests {
    func load(_ json: String) throws -> HostConfiguration {
        let path = try TestPaths.temporaryDirectory("config").appendingPathComponent("c.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return try HostConfiguration.load(file: path)
    }

    func reason(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch let error as HostError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    @Test("a key the configuration does not know is refused, naming it")
    func unknownKey() {
        let text = reason { _ = try load(#"{"heartbeatIntervalMz": 500}"#) }
        #expect(text.contains("heartbeatIntervalMz"))
    }

    @Test("a partial file keeps the defaults for what it does not name")
    func partial() throws {
        let config = try load(#"{"liveness": 5}"#)
        #expect(config.liveness == 5)
        #expect(config.heartbeatIntervalMs == 1000)
        #expect(config.schedule.map(\.name) == ScheduleEntryConfig.defaults.map(\.name))
    }

    @Test("out-of-range values are refused with the field named")
    func ranges() {
        #expect(
            reason { _ = try load(#"{"heartbeatIntervalMs": 9223372036854775807}"#) }.contains("heartbeatIntervalMs"))
        #expect(reason { _ = try load(#"{"logLevel": "loud"}"#) }.contains("logLevel"))
        let huge = #"{"schedule": [{"name": "x", "method": "telemetry.ProcessLive", "everySeconds": 1e300}]}"#
        #expect(reason { _ = try load(huge) }.contains("everySeconds"))
        let zero =
            #"{"schedule": [{"name": "x", "method": "telemetry.ProcessLive", "everySeconds": 10, "maxAttempts": 0}]}"#
        #expect(reason { _ = try load(zero) }.contains("maxAttempts"))
    }

    @Test("a schedule entry whose method no plugin serves is refused")
    func unservedMethod() {
        let json =
            #"{"plugins": [{"name": "strategy", "executable": "roadsense-strategy", "methods": ["strategy.UpdatePredictions"]}]}"#
        let text = reason { _ = try load(json) }
        #expect(text.contains("no plugin in `plugins` serves telemetry.ProcessLive"))
    }

    @Test("schedule items change, disable or add entries; the built-in entries keep what an item does not name")
    func scheduleItems() throws {
        let config = try load(
            #"""
            {"schedule": [
              {"name": "update-weather-data", "everySeconds": 60, "jitterSeconds": 5},
              {"name": "run-batch-simulations", "enabled": false},
              {"name": "cleanup-old-telemetry", "cron": "30 2 * * *", "timeZone": "America/Chicago"},
              {"name": "nightly-report", "method": "analytics.GeneratePerformance", "cron": "@daily",
               "timeZone": "Europe/London", "priority": "low", "missedRunPolicy": "runOnceNow"}
            ]}
            """#)
        let byName = Dictionary(uniqueKeysWithValues: config.schedule.map { ($0.name, $0) })
        #expect(config.schedule.count == ScheduleEntryConfig.defaults.count + 1)
        #expect(byName["update-weather-data"]?.everySeconds == 60)
        #expect(byName["update-weather-data"]?.jitterSeconds == 5)
        #expect(byName["update-weather-data"]?.priority == "medium")
        #expect(byName["run-batch-simulations"]?.enabled == false)
        #expect(try byName["cleanup-old-telemetry"]?.spec().description == "cron \"30 2 * * *\" America/Chicago")
        #expect(byName["cleanup-old-telemetry"]?.missedRunPolicy == "runOnceNow")
        #expect(try byName["nightly-report"]?.spec().description == "cron \"@daily\" Europe/London")
        #expect(config.schedule.last?.name == "nightly-report")

        // builtInSchedule: false starts from no entries.
        #expect(try load(#"{"builtInSchedule": false}"#).schedule.isEmpty)
    }

    @Test("the README's example configuration loads, with the schedule it describes")
    func readmeExample() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```json\n"))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let config = try load(String(readme[start.upperBound..<end.lowerBound]))
        let byName = Dictionary(uniqueKeysWithValues: config.schedule.map { ($0.name, $0) })
        #expect(byName["run-batch-simulations"]?.enabled == false)
        #expect(try byName["cleanup-old-telemetry"]?.spec().description == "cron \"30 2 * * *\" America/Chicago")
        #expect(try byName["update-strategy-predictions"]?.spec().description == "every 15 s, jitter < 2 s")
        #expect(byName["nightly-performance"]?.method == "analytics.GeneratePerformance")
    }

    @Test("a bad schedule item is refused naming the file and the field")
    func badScheduleItems() throws {
        let file = try TestPaths.temporaryDirectory("config").appendingPathComponent("bad.json").path
        func refusal(_ json: String) -> String {
            try? Data(json.utf8).write(to: URL(fileURLWithPath: file))
            return reason { _ = try HostConfiguration.load(file: file) }
        }
        let cron = refusal(#"{"schedule": [{"name": "cleanup-old-alerts", "cron": "61 3 * * *"}]}"#)
        #expect(cron.contains(file) && cron.contains("(cleanup-old-alerts).cron") && cron.contains("minute"))
        let zone = refusal(#"{"schedule": [{"name": "cleanup-old-alerts", "timeZone": "America/Chicgo"}]}"#)
        #expect(zone.contains(file) && zone.contains(".timeZone") && zone.contains("America/Chicgo"))
        let both = refusal(#"{"schedule": [{"name": "update-weather-data", "cron": "* * * * *", "everySeconds": 5}]}"#)
        #expect(both.contains("everySeconds and cron"))
        let policy = refusal(#"{"schedule": [{"name": "update-weather-data", "missedRunPolicy": "catchUp"}]}"#)
        #expect(policy.contains(".missedRunPolicy") && policy.contains("catchUp"))
        let jitter = refusal(#"{"schedule": [{"name": "update-weather-data", "jitterSeconds": -1}]}"#)
        #expect(jitter.contains(".jitterSeconds"))
        let orphan = refusal(#"{"schedule": [{"name": "brand-new", "everySeconds": 5}]}"#)
        #expect(orphan.contains(file) && orphan.contains("schedule") && orphan.contains("needs a method"))
        let typo = refusal(#"{"schedule": [{"name": "update-weather-data", "everySecond": 5}]}"#)
        #expect(typo.contains("everySecond"))
    }

    @Test("replay options are checked: speed and race in range, and only with --replay")
    func commandLine() {
        func parse(_ words: [String]) -> String {
            var cursor = ArgumentCursor(words)
            return reason { _ = try RunCommand.parse(&cursor) }
        }
        #expect(parse(["--replay", "x", "--speed", "1e308"]).contains("--speed"))
        #expect(parse(["--replay", "x", "--race", "1.5"]).contains("--race"))
        #expect(parse(["--replay", "x", "--race", "99999999999999999999"]).contains("--race"))
        #expect(parse(["--speed", "10"]).contains("only apply to a replay"))
        #expect(parse(["--replay", ""]).contains("needs a directory"))
        #expect(parse(["--replay", "x", "--watch"]) == "no error")
    }
}

@Suite("Replay feed")
struct ReplayFeedTests {
    @Test("rows outside the race window are counted and left out (Sonoma race 1's lap files run on for a day)")
    func raceWindow() throws {
        let directory = TestPaths.sharedTRD.appendingPathComponent("sonoma")
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        let ledger = RowIssueLedger()
        let feed = try ReplayFeed(directory: directory, race: 1, ledger: ledger)
        // The race ran ≈21:00–21:52Z on 2025-03-29; the files reach 2025-03-30T20:52Z.
        let end = ISO8601DateFormatter().date(from: "2025-03-29T22:10:00Z")!.timeIntervalSince1970 * 1000
        #expect(Double(feed.endMs) < end)
        let outside = ledger.counts.filter { $0.reason.hasPrefix("outside the race window") }
        #expect(outside.reduce(0) { $0 + $1.count } > 0)
        #expect(outside.allSatisfy { $0.kind == "lap_end" || $0.kind == "weather" || $0.kind == "telemetry" })
    }
}
