import Foundation
import RoadSenseProtocol
import Testing

@testable import RoadSenseHost

@Suite("Default schedule")
struct DefaultScheduleTests {
    typealias T = SchedulerTestTime

    @Test("the eleven entries of issue 5, with their methods, priorities and missed-run policies")
    func table() {
        // Foundation names the UTC zone "GMT" on some platforms.
        let utc = T.utcZone.identifier
        let rows = DefaultSchedule.entries.map {
            "\($0.name) \($0.method) \($0.spec) \($0.priority.name) \($0.missedRunPolicy)"
        }
        #expect(
            rows == [
                "process-live-telemetry telemetry.ProcessLive every 10 s high skipToNext",
                "check-alert-conditions alerts.CheckConditions every 45 s high skipToNext",
                "update-strategy-predictions strategy.UpdatePredictions every 30 s medium skipToNext",
                "ingest-external-telemetry ingest.IngestExternal every 120 s medium skipToNext",
                "generate-performance-analytics analytics.GeneratePerformance every 180 s medium skipToNext",
                "update-weather-data weather.Update every 300 s medium skipToNext",
                "update-competitor-analysis analytics.UpdateCompetitors every 600 s medium skipToNext",
                "run-batch-simulations simulation.RunBatch every 900 s low skipToNext",
                "cleanup-old-telemetry maintenance.CleanupTelemetry cron \"0 3 * * *\" \(utc) low runOnceNow",
                "cleanup-old-alerts maintenance.CleanupAlerts cron \"30 3 * * *\" \(utc) low runOnceNow",
                "acknowledge-stale-alerts alerts.AcknowledgeStale every 14400 s low runOnceNow",
            ])
    }

    @Test("a simulated day, one-second steps: every entry fires exactly at its expected instants")
    func simulatedDay() {
        // From 2026-05-12 00:00:07 UTC for 86400 one-second steps. Every interval divides a day and the grid is
        // aligned to the epoch, so each interval entry fires first at 00:00:00 + interval and last at
        // 2026-05-13 00:00:00 (inside the window), 86400 / interval times.
        let start = T.utc("2026-05-12T00:00:07Z")
        var states = DefaultSchedule.entries.map {
            ScheduleEntryState(spec: $0.spec, missedRunPolicy: $0.missedRunPolicy, now: start)
        }
        var fired = Array(repeating: [Date](), count: states.count)
        for second in 0..<86400 {
            let now = start.addingTimeInterval(TimeInterval(second))
            for index in states.indices {
                if case .fire(let slot) = states[index].due(at: now, running: false) {
                    #expect(slot == now)
                    fired[index].append(now)
                }
            }
        }

        let expected: [String: (count: Int, first: String, last: String)] = [
            "process-live-telemetry": (8640, "2026-05-12T00:00:10Z", "2026-05-13T00:00:00Z"),
            "check-alert-conditions": (1920, "2026-05-12T00:00:45Z", "2026-05-13T00:00:00Z"),
            "update-strategy-predictions": (2880, "2026-05-12T00:00:30Z", "2026-05-13T00:00:00Z"),
            "ingest-external-telemetry": (720, "2026-05-12T00:02:00Z", "2026-05-13T00:00:00Z"),
            "generate-performance-analytics": (480, "2026-05-12T00:03:00Z", "2026-05-13T00:00:00Z"),
            "update-weather-data": (288, "2026-05-12T00:05:00Z", "2026-05-13T00:00:00Z"),
            "update-competitor-analysis": (144, "2026-05-12T00:10:00Z", "2026-05-13T00:00:00Z"),
            "run-batch-simulations": (96, "2026-05-12T00:15:00Z", "2026-05-13T00:00:00Z"),
            "cleanup-old-telemetry": (1, "2026-05-12T03:00:00Z", "2026-05-12T03:00:00Z"),
            "cleanup-old-alerts": (1, "2026-05-12T03:30:00Z", "2026-05-12T03:30:00Z"),
            "acknowledge-stale-alerts": (6, "2026-05-12T04:00:00Z", "2026-05-13T00:00:00Z"),
        ]
        for (index, entry) in DefaultSchedule.entries.enumerated() {
            let times = fired[index]
            guard let want = expected[entry.name] else {
                Issue.record("no expectation for \(entry.name)")
                continue
            }
            #expect(times.count == want.count, "\(entry.name)")
            #expect(times.first.map(T.text) == want.first, "\(entry.name)")
            #expect(times.last.map(T.text) == want.last, "\(entry.name)")

            // Evenly spaced: consecutive firings one interval apart.
            if case .every(let seconds) = entry.spec.timing {
                #expect(
                    zip(times, times.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == seconds }, "\(entry.name)")
            }
            #expect(states[index].firedCount == want.count)
            #expect(states[index].missedCount == 0)
            #expect(states[index].skippedOverlapCount == 0)
        }
    }

    @Test("event-driven: jumping straight to each entry's next fire instant gives the same firings")
    func eventDrivenDay() {
        let start = T.utc("2026-05-12T00:00:07Z")
        let end = start.addingTimeInterval(86400)
        var total = 0
        for entry in DefaultSchedule.entries {
            var state = ScheduleEntryState(spec: entry.spec, missedRunPolicy: entry.missedRunPolicy, now: start)
            var now = start
            while let next = state.nextFireAt, next < end {
                now = next
                #expect(state.due(at: now, running: false) == .fire(scheduledFor: now))
                total += 1
            }
        }
        #expect(total == 8640 + 1920 + 2880 + 720 + 480 + 288 + 144 + 96 + 1 + 1 + 6)
    }
}
