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
        #expect(warning.first?.alertID == "threshold/13/nmot/lap-12")
        #expect(warning.first?.threshold == 7300)
        let critical = rules.evaluate(states: [state(rpm: 7600, brakeFront: 85)], laps: [], feeds: [], nowMs: 0)
        #expect(critical.map(\.severity) == [.critical, .critical])
        #expect(Set(critical.map(\.channel)) == ["nmot", "pbrake_f"])
    }

    @Test("raises a lap-time drop against the best green lap, ignoring FCY and pit laps")
    func lapTimeDrop() {
        let base = [lap(10, 97_428), lap(11, 98_000)]
        #expect(rules.evaluate(states: [], laps: base, feeds: [], nowMs: 0).isEmpty)
        let underCautionOrPit = base + [lap(12, 130_000, flag: "FCY"), lap(13, 125_000, pitIn: true)]
        #expect(
            !rules.evaluate(states: [], laps: underCautionOrPit, feeds: [], nowMs: 0).contains {
                $0.rule == "lap_time_drop"
            })
        let warning = rules.evaluate(states: [], laps: base + [lap(12, 101_000)], feeds: [], nowMs: 0)
        #expect(warning.map(\.alertID) == ["lap_time_drop/13/lap-12"])
        #expect(warning.first?.severity == .warning)
        let critical = rules.evaluate(states: [], laps: base + [lap(12, 104_000)], feeds: [], nowMs: 0)
        #expect(critical.first?.severity == .critical)
        #expect(critical.first?.message.contains("1:37.428") == true)
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

    @Test("gives the same ids when the same situation is evaluated again")
    func naturalKeys() {
        let laps = [lap(10, 97_428), lap(11, 98_000), lap(12, 104_000)]
        let first = rules.evaluate(states: [state(rpm: 7600)], laps: laps, feeds: [], nowMs: 1)
        let again = rules.evaluate(states: [state(rpm: 7650)], laps: laps, feeds: [], nowMs: 2)
        #expect(first.map(\.alertID) == again.map(\.alertID))
    }
}
