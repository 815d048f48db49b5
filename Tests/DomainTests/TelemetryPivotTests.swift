import Testing

@testable import RaceDomain

@Suite("TelemetryPivot")
struct TelemetryPivotTests {
    private func sample(
        _ channel: String, _ value: Double, ecu: Int64, meta: Int64 = 1_000, lap: Int = 2,
        vehicle: String = "GR86-022-13"
    ) -> TelemetrySample {
        TelemetrySample(vehicleID: vehicle, lap: lap, metaTimeMs: meta, ecuTimeMs: ecu, channel: channel, value: value)
    }

    @Test("emits one forward-filled frame per vehicle and ECU instant, in ECU order, from reversed input")
    func foldsReversedInput() {
        var pivot = TelemetryPivot()
        let frames = pivot.fold([
            sample("nmot", 7000, ecu: 300, meta: 3),
            sample("speed", 120, ecu: 200, meta: 2),
            sample("gear", 3, ecu: 200, meta: 2),
            sample("aps", 100, ecu: 100, meta: 1),
            sample("speed", 110, ecu: 100, meta: 1),
        ])
        #expect(frames.map(\.ecuTimeMs) == [100, 200, 300])
        #expect(frames[0].speedKph == 110 && frames[0].throttlePct == 100 && frames[0].gear == nil)
        #expect(frames[1].speedKph == 120 && frames[1].gear == 3 && frames[1].throttlePct == 100)
        #expect(frames[2].rpm == 7000 && frames[2].speedKph == 120)
        #expect(frames[2].carNumber == 13 && frames[2].lap == 2 && frames[2].timeMs == 3)
        #expect(pivot.windowStats()["GR86-022-13"] == TelemetryPivot.WindowStats(samples: 5, maxSpeedKph: 120))
    }

    @Test("maps every channel to its CarFrame field")
    func mapsChannels() {
        var pivot = TelemetryPivot()
        let frames = pivot.fold([
            sample("pbrake_f", 12.5, ecu: 1), sample("pbrake_r", 11.5, ecu: 1), sample("accx_can", 0.3, ecu: 1),
            sample("accy_can", -0.7, ecu: 1), sample("Steering_Angle", 9.7, ecu: 1),
            sample("VBOX_Lat_Min", 33.53, ecu: 1), sample("VBOX_Long_Minutes", -86.62, ecu: 1),
            sample("Laptrigger_lapdist_dls", 3729, ecu: 1), sample("ath", 55, ecu: 1),
        ])
        let frame = frames[0]
        #expect(frame.brakeFrontBar == 12.5 && frame.brakeRearBar == 11.5)
        #expect(frame.accelLongG == 0.3 && frame.accelLatG == -0.7 && frame.steeringDeg == 9.7)
        #expect(frame.latitudeDeg == 33.53 && frame.longitudeDeg == -86.62)
        #expect(frame.lapDistanceM == 3729 && frame.throttlePct == 55)
    }

    @Test("keeps cars apart, keeps latest values across batches and resets only the window")
    func latestAndWindow() {
        var pivot = TelemetryPivot()
        _ = pivot.fold([sample("speed", 100, ecu: 1), sample("speed", 90, ecu: 1, vehicle: "GR86-002-000")])
        pivot.resetWindow()
        _ = pivot.fold([sample("gear", 4, ecu: 2)])
        let latest = pivot.latest()
        #expect(latest.map(\.vehicleID) == ["GR86-002-000", "GR86-022-13"])
        #expect(latest[0].carNumber == nil)
        #expect(latest[1].speedKph == 100 && latest[1].gear == 4)
        let states = pivot.carStates()
        #expect(states[1].samples == 1 && states[1].maxSpeedKph == nil)
        #expect(states[0].samples == 0)
    }

    @Test("folds the barber head into frames whose speed stays within the file's range")
    func barberHead() throws {
        let samples = try TelemetryReader(
            url: TestData.excerpt("R1_barber_telemetry_data_sample.csv"), ledger: RowIssueLedger()
        ).readAll()
        var pivot = TelemetryPivot()
        let frames = pivot.fold(samples)
        #expect(!frames.isEmpty)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { ($0.ecuTimeMs ?? 0) < ($1.ecuTimeMs ?? 0) })
        let maxSpeed = try #require(pivot.windowStats()["GR86-002-000"]?.maxSpeedKph)
        #expect(maxSpeed == samples.filter { $0.channel == "speed" }.map(\.value).max())
    }
}
