import Testing

@testable import RoadSenseHost

@Suite("Beat schedule")
struct BeatScheduleTests {
    let entries = [
        ScheduleEntryConfig(name: "fast", method: "telemetry.ProcessLive", everySeconds: 10, priority: "high"),
        ScheduleEntryConfig(name: "slow", method: "strategy.UpdatePredictions", everySeconds: 30, priority: "medium"),
    ]

    @Test("every entry fires at start and then exactly on its interval")
    func firesOnInterval() {
        var schedule = BeatSchedule(config: entries, startMs: 0)
        var fired: [String: [Int64]] = [:]
        for now in stride(from: Int64(0), through: 60_000, by: 1000) {
            for entry in schedule.due(at: now) { fired[entry.name, default: []].append(now) }
        }
        #expect(fired["fast"] == [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
        #expect(fired["slow"] == [0, 30_000, 60_000])
    }

    @Test("after a stall an entry fires once, not once per missed slot")
    func noCatchUpBurst() {
        var schedule = BeatSchedule(config: entries, startMs: 0)
        _ = schedule.due(at: 0)
        let afterStall = schedule.due(at: 95_000).map(\.name).sorted()
        #expect(afterStall == ["fast", "slow"])
        #expect(schedule.entries.first { $0.config.name == "fast" }?.nextMs == 100_000)
        #expect(schedule.entries.first { $0.config.name == "fast" }?.missedSlots == 8)
        #expect(schedule.due(at: 99_999).isEmpty)
    }

    @Test("an entry still running is skipped and the skip is counted")
    func noOverlap() {
        var schedule = BeatSchedule(config: entries, startMs: 0)
        _ = schedule.due(at: 0)
        let due = schedule.due(at: 10_000, running: ["fast"])
        #expect(due.isEmpty)
        #expect(schedule.entries.first { $0.config.name == "fast" }?.skippedOverlap == 1)
    }

    @Test("disabled entries never fire")
    func disabled() {
        var config = entries
        config[0].enabled = false
        var schedule = BeatSchedule(config: config, startMs: 0)
        #expect(schedule.due(at: 0).map(\.name) == ["slow"])
    }
}
