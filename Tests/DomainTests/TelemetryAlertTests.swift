import Foundation
import Testing

@testable import RaceDomain

/// The telemetry rules that watch how a channel moves (rate of change, anomaly against the car's own last 30 s) and a
/// channel that stops arriving, on the organisers' Barber race 2 telemetry head (car GR86-002-000, 47 s of lap 1).
/// The expected figures were worked out by hand from the CSV rows (frames at each ECU timestamp, channels
/// forward-filled, as `TelemetryPivot` does) and are written out in each test.
@Suite("Telemetry alert rules")
struct TelemetryAlertTests {
    static let file = TestData.trd("barber/R2_sample_telemetry.csv")

    static func samples() throws -> [TelemetrySample] {
        try TelemetryReader(url: file, ledger: RowIssueLedger()).readAll()
    }

    static func frames(_ samples: [TelemetrySample]) -> [CarFrame] {
        var pivot = TelemetryPivot()
        return pivot.fold(samples)
    }

    /// The `index`-th sample of `channel` in ECU-time order, set to `value`.
    static func replacing(_ channel: String, index: Int, with value: Double, in samples: [TelemetrySample]) -> (
        samples: [TelemetrySample], original: TelemetrySample
    ) {
        let positions = samples.indices.filter { samples[$0].channel == channel }.sorted {
            (samples[$0].ecuTimeMs, $0) < (samples[$1].ecuTimeMs, $1)
        }
        var changed = samples
        let original = samples[positions[index]]
        changed[positions[index]].value = value
        return (changed, original)
    }

    static func check(_ frames: [CarFrame]) -> [Alert] {
        var monitor = AlertMonitor()
        return monitor.check(AlertMonitor.Input(frames: frames, nowMs: frames.last?.timeMs ?? 0))
    }

    @Test("the real telemetry raises no rate-of-change, anomaly or stuck-sensor alert")
    func realTelemetryIsQuiet() throws {
        for name in ["barber/R2_sample_telemetry.csv", "barber/R1_barber_telemetry_data_sample.csv"] {
            let samples = try TelemetryReader(url: TestData.trd(name), ledger: RowIssueLedger()).readAll()
            let alerts = Self.check(Self.frames(samples))
            let telemetry = alerts.filter { ["rate_of_change", "telemetry_anomaly", "stuck_sensor"].contains($0.rule) }
            #expect(telemetry.isEmpty, "\(name): \(telemetry.map(\.message))")
        }
    }

    @Test("a speed reading dropping to 0 raises the rate-of-change alert with the rate worked out by hand")
    func speedDropout() throws {
        // The 149th speed sample kept (03:38:13.966Z, 78.45 km/h; two earlier readings repeat an ECU instant and
        // are dropped by the reader) reads 0. The fastest change over a second is the
        // recovery: the frame at 03:38:15.047Z reads 85.60 km/h, the latest frame at least 1 s before it
        // (03:38:14.009Z) still 0: 85.60 / 1.038 s = 82.47 km/h/s (2.3 g) > the 50 km/h/s warning limit.
        let (samples, original) = Self.replacing("speed", index: 148, with: 0, in: try Self.samples())
        #expect(original.value == 78.45)
        let alerts = Self.check(Self.frames(samples))
        let rate = alerts.filter { $0.rule == "rate_of_change" }
        #expect(rate.map(\.alertID) == ["rate_of_change/GR86-002-000/speed/lap-1"])
        guard let alert = rate.first else { return }
        #expect(alert.severity == .warning && alert.channel == "speed" && alert.lap == 1 && alert.threshold == 50)
        #expect(abs((alert.value ?? 0) - 82.466) < 0.01)
        #expect(alert.message.contains("speed rose 85.6 km/h in 1.04 s"), "\(alert.message)")
    }

    @Test("an rpm reading far outside the car's last 30 s raises the anomaly alert with its median and MAD")
    func rpmAnomaly() throws {
        // The 171st nmot sample (03:38:18.458Z, 6234 rpm) reads 2500. The 138 nmot readings of the 30 s before it
        // have median 5781.5 rpm and MAD 366.5 rpm: |2500 − 5781.5| / (1.4826 · 366.5) = 6.04 robust deviations,
        // over the nmot limit of 5 (CRITICAL beyond 10). Over a second it changes 3748 rpm/s: no rate alert (4000).
        let (samples, original) = Self.replacing("nmot", index: 170, with: 2_500, in: try Self.samples())
        #expect(original.value == 6_234)
        let alerts = Self.check(Self.frames(samples))
        let anomaly = alerts.filter { $0.rule == "telemetry_anomaly" }
        #expect(anomaly.map(\.alertID) == ["telemetry_anomaly/GR86-002-000/nmot/lap-1"])
        guard let alert = anomaly.first else { return }
        #expect(alert.severity == .warning && alert.threshold == 5 && alert.channel == "nmot")
        #expect(abs((alert.value ?? 0) - 6.0391) < 0.001)
        #expect(alert.message.contains("nmot read 2500 rpm against its median 5781.5 rpm"), "\(alert.message)")
        #expect(alert.message.contains("138 readings, MAD 366.5 rpm"), "\(alert.message)")
        #expect(!alerts.contains { $0.rule == "rate_of_change" })
    }

    @Test("a channel that stops arriving while the others go on raises the stuck-sensor alert for it alone")
    func missingSensor() throws {
        // nmot samples stop 8 s before the end of the file (the last at 6234 rpm, 8.084 s before the last frame);
        // speed (118.9 km/h at the end), g-forces and steering keep arriving. The frames carry nmot forward, so it
        // stays at 6234 for 8.084 s of continuous frames while moving: a WARNING (5 s), not yet CRITICAL (30 s).
        let all = try Self.samples()
        let end = try #require(all.map(\.ecuTimeMs).max())
        let missing = all.filter { !($0.channel == "nmot" && $0.ecuTimeMs > end - 8_000) }
        let alerts = Self.check(Self.frames(missing))
        let stuck = alerts.filter { $0.rule == "stuck_sensor" }
        #expect(stuck.map(\.alertID) == ["stuck_sensor/GR86-002-000/nmot/lap-1"])
        guard let alert = stuck.first else { return }
        #expect(alert.severity == .warning && alert.threshold == 5)
        #expect(abs((alert.value ?? 0) - 8.084) < 1e-9)
        #expect(alert.message.contains("nmot flat at 6234 rpm"), "\(alert.message)")
    }

    @Test("a rate of change hovering around its limit raises one alert; a new one only after it has cleared")
    func rateHysteresis() {
        // Speed ramps: each check holds 3 s of frames every 100 ms, the speed changing at `rate` km/h per second,
        // down in one check and up in the next (over a second across the turn it changes less than either rate).
        var monitor = AlertMonitor()
        var time: Int64 = 0
        var speed = 200.0
        var direction = -1.0
        func check(rate: Double, lap: Int) -> [Alert] {
            var frames: [CarFrame] = []
            for _ in 0..<30 {
                time += 100
                speed += direction * rate / 10
                frames.append(
                    CarFrame(
                        vehicleID: "GR86-022-13", carNumber: 13, timeMs: time, lap: lap, speedKph: speed,
                        ecuTimeMs: time))
            }
            direction = -direction
            return monitor.check(AlertMonitor.Input(frames: frames, nowMs: time)).filter { $0.rule == "rate_of_change" }
        }
        let first = check(rate: 55, lap: 4)
        #expect(first.map(\.alertID) == ["rate_of_change/GR86-022-13/speed/lap-4"])
        // 48 and 52 km/h/s: inside the band (clears at or below 35): the same alert, not a new one.
        #expect(check(rate: 48, lap: 5).map(\.alertID) == first.map(\.alertID))
        #expect(check(rate: 52, lap: 6).map(\.alertID) == first.map(\.alertID))
        // 20 km/h/s for longer than the 30 s hold: cleared.
        for lap in 7...17 { _ = check(rate: 20, lap: lap) }
        #expect(check(rate: 20, lap: 18).isEmpty)
        #expect(check(rate: 60, lap: 19).map(\.alertID) == ["rate_of_change/GR86-022-13/speed/lap-19"])
    }
}
