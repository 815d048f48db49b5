import Testing

@testable import RaceDomain

@Suite("AlertRules")
struct AlertRulesTests {
    private let rules = AlertRules()

    private func state(rpm: Double? = nil, brakeFront: Double? = nil, lap: Int = 12) -> CarState {
        CarState(
            frame: CarFrame(
                vehicleID: "GR86-022-13", carNumber: 13, timeMs: 0, lap: lap, brakeFrontBar: brakeFront, rpm: rpm),
            samples: 10)
    }

    private func lap(_ number: Int, _ ms: Int64, flag: String = "GF", pitIn: Bool = false, car: Int = 13) -> LapRecord {
        LapRecord(
            carNumber: car, lap: number, lapTimeMs: ms, crossedMs: Int64(number) * 100_000 + Int64(car), flag: flag,
            pitIn: pitIn, source: .analysis)
    }

    @Test("raises rpm and brake threshold alerts at warning and critical levels")
    func thresholds() {
        #expect(rules.evaluate(states: [state(rpm: 7220, brakeFront: 37.7)], laps: [], feeds: [], nowMs: 0).isEmpty)
        let warning = rules.evaluate(states: [state(rpm: 7400)], laps: [], feeds: [], nowMs: 0)
        #expect(warning.map(\.severity) == [.warning])
        #expect(warning.first?.alertID == "threshold/GR86-022-13/nmot/lap-12")
        #expect(warning.first?.message.hasPrefix("car 13: nmot 7400 rpm") == true)
        #expect(warning.first?.threshold == 7300)
        let critical = rules.evaluate(states: [state(rpm: 7600, brakeFront: 85)], laps: [], feeds: [], nowMs: 0)
        #expect(critical.map(\.severity) == [.critical, .critical])
        #expect(Set(critical.map(\.channel)) == ["nmot", "pbrake_f"])
    }

    @Test("raises a lap-time drop beyond the car's own spread, ignoring FCY and pit laps")
    func lapTimeDrop() {
        // Baseline: laps 10 and 11, median 97 714 ms, MAD 286 ms; deviation max(1.4826 · 286, 0.5 % · 97 714)
        // = 488.57 ms; 4 deviations = 2.0 % of the median, so the warning limit is 2 %, the critical one 6 %.
        let base = [lap(10, 97_428), lap(11, 98_000)]
        #expect(rules.evaluate(states: [], laps: base, feeds: [], nowMs: 0).isEmpty)
        let underCautionOrPit = base + [lap(12, 130_000, flag: "FCY"), lap(13, 125_000, pitIn: true)]
        #expect(
            !rules.evaluate(states: [], laps: underCautionOrPit, feeds: [], nowMs: 0).contains {
                $0.rule == "lap_time_drop"
            })
        // 99 500 ms: 1.83 % and 3.7 deviations off: within the car's spread.
        #expect(rules.evaluate(states: [], laps: base + [lap(12, 99_500)], feeds: [], nowMs: 0).isEmpty)
        // 101 000 ms: (101 000 − 97 714) / 97 714 = 3.36 %.
        let warning = rules.evaluate(states: [], laps: base + [lap(12, 101_000)], feeds: [], nowMs: 0)
        #expect(warning.map(\.alertID) == ["lap_time_drop/13/lap-12"])
        #expect(warning.first?.severity == .warning)
        #expect(abs((warning.first?.value ?? 0) - 3.3629) < 1e-3 && abs((warning.first?.threshold ?? 0) - 2) < 1e-3)
        let critical = rules.evaluate(states: [], laps: base + [lap(12, 104_000)], feeds: [], nowMs: 0)
        #expect(critical.first?.severity == .critical && critical.first?.threshold == 6)
        #expect(critical.first?.message.contains("6.4% off its median 1:37.714 over 2 green laps") == true)

        // A car whose laps spread by 1.5 s: the same 3.4 % is within 4 deviations (4 · 1.4826 · 1 500 = 8.9 s).
        let erratic = [lap(10, 96_214), lap(11, 97_714), lap(12, 99_214)]
        #expect(rules.evaluate(states: [], laps: erratic + [lap(13, 101_000)], feeds: [], nowMs: 0).isEmpty)
    }

    @Test("raises stale-feed alerts after 5 s (warning) and 15 s (critical)")
    func staleFeed() {
        let feed = FeedStatus(vehicleID: "GR86-002-000", carNumber: nil, lastSampleMs: 1_000)
        #expect(rules.evaluate(states: [], laps: [], feeds: [feed], nowMs: 6_000).isEmpty)
        let warning = rules.evaluate(states: [], laps: [], feeds: [feed], nowMs: 6_001)
        #expect(warning.map(\.severity) == [.warning])
        #expect(warning.first?.alertID == "stale_feed/GR86-002-000/since-1000")
        let critical = rules.evaluate(states: [], laps: [], feeds: [feed], nowMs: 20_000)
        #expect(critical.map(\.severity) == [.critical])
        #expect(critical.first?.alertID == warning.first?.alertID)
    }

    @Test("raises one INFO caution while the leader's latest lap is under FCY")
    func caution() {
        let green = [lap(1, 100_000), lap(1, 101_000, car: 22)]
        #expect(rules.evaluate(states: [], laps: green, feeds: [], nowMs: 0).isEmpty)
        let caution = green + [lap(2, 130_000, flag: "FCY"), lap(2, 131_000, flag: "FCY", car: 22)]
        let alerts = rules.evaluate(states: [], laps: caution, feeds: [], nowMs: 0)
        #expect(alerts.map(\.alertID) == ["caution/race/lap-2"])
        #expect(alerts.first?.severity == .info)
    }

    @Test("does not judge the restart lap after a caution, the out-lap after a pit stop, or lap 1")
    func lapTimeDropSkipsSlowByNatureLaps() {
        let base = [lap(1, 100_000), lap(2, 97_428), lap(3, 97_800)]
        let restart = base + [lap(4, 140_000, flag: "FCY"), lap(5, 115_000)]
        #expect(rules.evaluate(states: [], laps: restart, feeds: [], nowMs: 0).isEmpty)
        // The baseline is laps 2 and 3 (not lap 1, not the restart lap 5).
        let afterRestart = rules.evaluate(states: [], laps: restart + [lap(6, 104_000)], feeds: [], nowMs: 0)
        #expect(afterRestart.map(\.alertID) == ["lap_time_drop/13/lap-6"])
        #expect(afterRestart.first?.message.contains("off its median 1:37.614 over 2 green laps") == true)

        let outLap = base + [lap(4, 140_000, pitIn: true), lap(5, 115_000)]
        #expect(rules.evaluate(states: [], laps: outLap, feeds: [], nowMs: 0).isEmpty)

        // Two cars merged under one number (SOURCES.md item 30) give lap 1 a best lap to compare with.
        let merged = [lap(1, 130_000), lap(1, 98_000)]
        #expect(rules.evaluate(states: [], laps: merged, feeds: [], nowMs: 0).isEmpty)
    }

    @Test("keys threshold and stale-feed ids by vehicle id, so a car matched to its number mid-race keeps its ids")
    func telemetryIDsAreStable() {
        func frame(_ carNumber: Int?) -> CarState {
            CarState(
                frame: CarFrame(vehicleID: "GR86-002-000", carNumber: carNumber, timeMs: 0, lap: 3, rpm: 7600),
                samples: 1)
        }
        let before = rules.evaluate(states: [frame(nil)], laps: [], feeds: [], nowMs: 0)
        let after = rules.evaluate(states: [frame(2)], laps: [], feeds: [], nowMs: 0)
        #expect(before.map(\.alertID) == ["threshold/GR86-002-000/nmot/lap-3"])
        #expect(after.map(\.alertID) == before.map(\.alertID))

        let unmatched = FeedStatus(vehicleID: "GR86-002-000", carNumber: nil, lastSampleMs: 1_000)
        let matched = FeedStatus(vehicleID: "GR86-002-000", carNumber: 2, lastSampleMs: 1_000)
        let staleBefore = rules.evaluate(states: [], laps: [], feeds: [unmatched], nowMs: 7_000)
        #expect(staleBefore.map(\.alertID) == ["stale_feed/GR86-002-000/since-1000"])
        #expect(
            rules.evaluate(states: [], laps: [], feeds: [matched], nowMs: 7_000).map(\.alertID)
                == staleBefore.map(\.alertID))

        // Only without a vehicle id does the race number name the car.
        let numberOnly = FeedStatus(vehicleID: "", carNumber: 21, lastSampleMs: 1_000)
        #expect(
            rules.evaluate(states: [], laps: [], feeds: [numberOnly], nowMs: 7_000).map(\.alertID)
                == ["stale_feed/21/since-1000"])
    }

    @Test("gives the same ids when the same situation is evaluated again")
    func naturalKeys() {
        let laps = [lap(10, 97_428), lap(11, 98_000), lap(12, 104_000)]
        let first = rules.evaluate(states: [state(rpm: 7600)], laps: laps, feeds: [], nowMs: 1)
        let again = rules.evaluate(states: [state(rpm: 7650)], laps: laps, feeds: [], nowMs: 2)
        #expect(first.map(\.alertID) == again.map(\.alertID))
    }
}
