import Foundation
import RaceDomain
import RoadSenseProtocol
import Testing

/// JSON ↔ protobuf through the protobuf-c descriptors (`ProtobufJSON`), checked against the hand-written Swift
/// codecs of every request message, with the organisers' real laps and telemetry rows.
@Suite("Requests and results as JSON")
struct ProtobufJSONTests {
    static let excerpt = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/barber-r1-excerpt")

    /// Barber race 1's analysis laps (every car, laps 1–8), as the host sends them to the strategy plugin.
    static func realLaps() throws -> [LapRecord] {
        try RaceData.load(try RaceFiles.locate(directory: excerpt, race: 1), ledger: RowIssueLedger()).laps
    }

    /// The first 400 rows of Barber race 1's telemetry excerpt.
    static func realSamples() throws -> [TelemetrySample] {
        let url = excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv")
        return Array(try TelemetryReader(url: url, ledger: RowIssueLedger()).prefix(400))
    }

    static func type(_ method: String) throws -> ProtobufMessageType {
        try #require(MethodMessages.named(method)).request
    }

    /// Wire → JSON → wire: the JSON read back is byte for byte the message the Swift codec wrote, and the
    /// Swift codec decodes it to the same value.
    func roundTrip<Message: WireMessage & Equatable>(_ message: Message, method: String) throws {
        let type = try Self.type(method)
        let json = try ProtobufJSON.json(fromWire: message.encoded(), as: type)
        let bytes = try ProtobufJSON.wire(fromJSON: json, as: type)
        #expect(bytes == message.encoded())
        #expect(try Message(wire: bytes) == message)
    }

    @Test("strategy.UpdatePredictions: a StrategyRequest of Barber's real laps survives JSON and back")
    func strategyRoundTrip() throws {
        let laps = try Self.realLaps()
        #expect(laps.count > 100)
        try roundTrip(
            StrategyRequest(laps: laps, raceLaps: 27, nowMs: 1_757_184_041_926), method: "strategy.UpdatePredictions")
    }

    @Test("telemetry.ProcessLive: a TelemetryBatch of real rows and laps survives JSON and back")
    func telemetryRoundTrip() throws {
        let samples = try Self.realSamples()
        #expect(samples.count == 400)
        let batch = TelemetryBatch(
            samples: samples, windowStartMs: samples.map(\.metaTimeMs).min() ?? 0,
            windowEndMs: samples.map(\.metaTimeMs).max() ?? 0, laps: Array(try Self.realLaps().prefix(30)))
        try roundTrip(batch, method: "telemetry.ProcessLive")
    }

    @Test("alerts.CheckConditions: an AlertRequest with states, real laps and feeds survives JSON and back")
    func alertsRoundTrip() throws {
        let request = AlertRequest(
            states: [WireFixtures.state, WireFixtures.bareState], laps: try Self.realLaps(),
            feeds: [
                FeedStatus(vehicleID: "GR86-002-000", carNumber: 2, lastSampleMs: 1_757_184_041_926),
                FeedStatus(vehicleID: "", carNumber: nil, lastSampleMs: 0),
            ], nowMs: 1_757_184_100_000)
        try roundTrip(request, method: "alerts.CheckConditions")
    }

    @Test("analytics.*, simulation.RunBatch: requests of Barber's real laps survive JSON and back")
    func lapRequestsRoundTrip() throws {
        let laps = try Self.realLaps()
        let now = laps.map(\.crossedMs).max() ?? 0
        for method in ["analytics.GeneratePerformance", "analytics.UpdateCompetitors"] {
            try roundTrip(AnalyticsRequest(laps: laps, nowMs: now), method: method)
        }
        try roundTrip(
            SimulationRequest(laps: laps, raceLaps: 27, iterations: 2000, seed: UInt64.max - 1, nowMs: now),
            method: "simulation.RunBatch")
        try roundTrip(
            SimulationRequest(laps: [], raceLaps: nil, iterations: nil, seed: 0, nowMs: 0),
            method: "simulation.RunBatch")
    }

    @Test("weather, ingest and maintenance requests survive JSON and back")
    func clockRequestsRoundTrip() throws {
        try roundTrip(WeatherRequest(nowMs: 1_757_184_041_926, windowMs: 1_800_000), method: "weather.Update")
        try roundTrip(IngestRequest(nowMs: 1_757_184_041_926), method: "ingest.IngestExternal")
        for method in ["maintenance.CleanupTelemetry", "maintenance.CleanupAlerts", "alerts.AcknowledgeStale"] {
            try roundTrip(MaintenanceRequest(nowMs: 1_757_184_041_926, olderThanMs: 7_200_000), method: method)
            try roundTrip(MaintenanceRequest(nowMs: 1_757_184_041_926), method: method)
        }
    }

    @Test("bench.*: a BenchRequest with an enum and bytes survives JSON and back")
    func benchRoundTrip() throws {
        for method in ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"] {
            try roundTrip(
                BenchRequest(sleepMs: 4_000_000_000, failWith: .unavailable, blob: [0, 255, 7]), method: method)
            try roundTrip(BenchRequest(), method: method)
        }
    }

    @Test("hand-written JSON of the excerpt's first telemetry row decodes to that row, under either field name")
    func handWrittenTelemetry() throws {
        // R1_barber_telemetry_data_sample.csv row 2: lap 2, meta_time 2025-09-06T18:40:41.926Z,
        // timestamp 2025-09-05T00:28:20.593Z, accx_can 0.34600000000000003.
        let json = """
            {"samples": [{"vehicle_id": "GR86-002-000", "lap": 2, "metaTimeMs": "1757184041926",
              "ecu_time_ms": 1757032100593, "channel": "accx_can", "value": 0.34600000000000003}],
             "window_start_ms": 1.757184041926e12, "windowEndMs": 1757184041926}
            """
        let batch = try TelemetryBatch(wire: ProtobufJSON.wire(fromJSON: json, as: Self.type("telemetry.ProcessLive")))
        let first = try #require(try Self.realSamples().first)
        #expect(batch.samples == [first])
        #expect(first.metaTimeMs == 1_757_184_041_926 && first.ecuTimeMs == 1_757_032_100_593)
        #expect(batch.windowStartMs == 1_757_184_041_926 && batch.windowEndMs == 1_757_184_041_926)
        #expect(batch.laps.isEmpty)
    }

    @Test("hand-written JSON of car 3's first analysis lap decodes to the lap the reader makes of it")
    func handWrittenLap() throws {
        // 23_AnalysisEnduranceWithSections row 2: car 3, lap 1, 1:54.168, S1 33.413, S2 43.534, S3 37.221,
        // KPH 116.7, elapsed 1:54.168, top speed 182.1, flag FCY.
        let real = try #require(try Self.realLaps().first { $0.carNumber == 3 && $0.lap == 1 })
        let json = """
            {"laps": [{"vehicleId": "\(real.vehicleID)", "car_number": 3, "lap": 1, "lap_time_ms": 114168,
              "crossedMs": \(real.crossedMs), "s1_ms": 33413, "s2Ms": 43534, "s3_ms": 37221, "top_speed_kph": 182.1,
              "avg_speed_kph": 116.7, "elapsed_ms": 114168, "flag": "FCY", "pit_in": false, "source": "analysis"}],
             "race_laps": 27, "now_ms": null}
            """
        let request = try StrategyRequest(
            wire: ProtobufJSON.wire(fromJSON: json, as: Self.type("strategy.UpdatePredictions")))
        #expect(request.laps == [real])
        #expect(request.raceLaps == 27)
        #expect(request.nowMs == 0)
    }

    @Test("results print every field under its .proto name, enums by name, bytes as base64, NaN as a string")
    func resultRendering() throws {
        let result = BenchResult(pid: 4242, attempt: 2, blob: Array("hi".utf8))
        let bench = try #require(MethodMessages.named("bench.Sleep")).response
        #expect(
            try ProtobufJSON.json(fromWire: result.encoded(), as: bench) == #"{"pid":4242,"attempt":2,"blob":"aGk="}"#)
        #expect(try ProtobufJSON.json(fromWire: [], as: bench) == #"{"pid":0,"attempt":0,"blob":""}"#)

        let alerts = try #require(MethodMessages.named("alerts.CheckConditions")).response
        let alert = try ProtobufJSON.json(fromWire: AlertResult(alerts: [WireFixtures.alert]).encoded(), as: alerts)
        #expect(
            alert == #"{"alerts":[{"alert_id":"threshold/GR86-002-000/pbrake_f","vehicle_id":"GR86-002-000","#
                + #""car_number":-1,"rule":"threshold","severity":"CRITICAL","message":"front brake pressure 150 bar > 140","#
                + #""raised_ms":1714000300000,"lap":21,"value":150.5,"threshold":"NaN","channel":"pbrake_f"}]}"#)
    }

    /// The reason `ProtobufJSON` gives for `json` read as the request of `method`.
    func refusal(_ json: String, _ method: String = "strategy.UpdatePredictions") throws -> String {
        do {
            _ = try ProtobufJSON.wire(fromJSON: json, as: Self.type(method))
        } catch let error as WireError {
            #expect(error.code == .badJSON)
            return error.reason
        }
        Issue.record("accepted \(json)")
        return ""
    }

    @Test("bad JSON is refused with the field path and what was wrong")
    func refusals() throws {
        let laps = #"{"laps": [{"lap": 1}, {"lap": 2}, {"lap": 3}, "#
        #expect(
            try refusal(laps + #"{"lap_time_ms": "abc"}]}"#) == #"laps[3].lap_time_ms: expected an integer, got "abc""#)
        #expect(
            try refusal(laps + #"{"lap_tme_ms": 1}]}"#).hasPrefix(
                "laps[3].lap_tme_ms: unknown field of LapRecord (its fields: vehicle_id, car_number, lap,"))
        #expect(
            try refusal(#"{"race_laps": 2147483648}"#)
                == "race_laps: 2147483648 is out of range for int32 (-2147483648…2147483647)")
        #expect(
            try refusal(#"{"now_ms": 9223372036854775808}"#)
                == "now_ms: 9223372036854775808 is out of range for int64 (-9223372036854775808…9223372036854775807)")
        #expect(try refusal(#"{"race_laps": 27.5}"#) == "race_laps: expected an integer, got 27.5")
        #expect(
            try refusal(#"{"race_laps": 1e10}"#) == "race_laps: 1e10 is out of range for int32 (-2147483648…2147483647)"
        )
        #expect(try refusal(#"{"laps": {"lap": 1}}"#) == "laps: expected an array, got an object")
        #expect(try refusal(#"{"laps": [null]}"#) == "laps[0]: null is not allowed in a list")
        #expect(try refusal(#"{"laps": [{"pit_in": "yes"}]}"#) == #"laps[0].pit_in: expected true or false, got "yes""#)
        #expect(try refusal(#"{"laps": [{"flag": 7}]}"#) == "laps[0].flag: expected a string, got 7")
        #expect(
            try refusal(#"{"laps": [{"top_speed_kph": "fast"}]}"#)
                == #"laps[0].top_speed_kph: expected a number (or "NaN", "Infinity", "-Infinity"), got "fast""#)
        #expect(
            try refusal(#"{"laps": [{"top_speed_kph": 1e400}]}"#)
                == "laps[0].top_speed_kph: 1e400 is out of range for double")
        #expect(try refusal(#"{"now_ms": 1, "nowMs": 2}"#) == #"now_ms: given twice (as "now_ms" and "nowMs")"#)
        #expect(try refusal("[1]") == "expected a JSON object for StrategyRequest, got an array")
        #expect(
            try refusal(#"{"laps": [}"#)
                == "not valid JSON at line 1, column 11 (byte 10, found '}'): expected a value (object, array, "
                + "string, number, true, false or null)"
        )

        let statusNames =
            "OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, "
            + "PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, "
            + "INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED"
        #expect(
            try refusal(#"{"fail_with": "UNAVAILBLE"}"#, "bench.Fail")
                == #"fail_with: "UNAVAILBLE" is not a StatusCode (one of \#(statusNames))"#)
        #expect(
            try refusal(#"{"fail_with": 17}"#, "bench.Fail")
                == "fail_with: 17 is not a StatusCode number (one of \(statusNames))")
        #expect(
            try refusal(#"{"sleep_ms": -1}"#, "bench.Sleep") == "sleep_ms: -1 is out of range for uint32 (0…4294967295)"
        )
        #expect(
            try refusal(#"{"blob": "not base64!"}"#, "bench.Sleep")
                == #"blob: "not base64!" is not base64 (bytes are written as base64)"#)
        #expect(
            try refusal(#"{"states": [{"frame": {"gear": "3000000000"}}]}"#, "alerts.CheckConditions")
                == #"states[0].frame.gear: "3000000000" is out of range for int32 (-2147483648…2147483647)"#)
    }

    @Test("enums by name or number, integers as strings or whole numbers, bytes in either base64 alphabet")
    func acceptedForms() throws {
        let type = try Self.type("bench.Fail")
        let byName = try BenchRequest(
            wire: ProtobufJSON.wire(fromJSON: #"{"failWith": "UNAVAILABLE", "sleepMs": "5", "blob": "-_8"}"#, as: type))
        let byNumber = try BenchRequest(
            wire: ProtobufJSON.wire(fromJSON: #"{"fail_with": 14, "sleep_ms": 5.0, "blob": "+/8="}"#, as: type))
        #expect(byName == BenchRequest(sleepMs: 5, failWith: .unavailable, blob: [0xFB, 0xFF]))
        #expect(byNumber == byName)
        #expect(try ProtobufJSON.wire(fromJSON: "{}", as: type) == [])
    }

    @Test("5k refused and accepted conversions leave the heap where it was")
    func conversionsDoNotLeak() throws {
        let type = try Self.type("strategy.UpdatePredictions")
        let laps = try Self.realLaps().prefix(40)
        let good = try ProtobufJSON.json(
            fromWire: StrategyRequest(laps: Array(laps), raceLaps: 27, nowMs: 5).encoded(), as: type)
        // Refused at the last lap's last field, after every string and submessage before it was built.
        let lastPitIn = try #require(good.range(of: #""pit_in":false"#, options: .backwards))
        let bad = good.replacingCharacters(in: lastPitIn, with: #""pit_in":"no""#)
        func cycle(_ count: Int) throws {
            for _ in 0..<count {
                _ = try ProtobufJSON.wire(fromJSON: good, as: type)
                #expect(throws: WireError.self) { try ProtobufJSON.wire(fromJSON: bad, as: type) }
            }
        }
        func residentBytes() throws -> Int {
            let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
            return (statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0)
                * Int(sysconf(Int32(_SC_PAGESIZE)))
        }

        // Resident memory is the whole test process's, and other suites run beside this one: a leak grows it in
        // every round, their noise does not, so the least growth of five rounds is the one that counts.
        try cycle(200)
        var growth: [Int] = []
        for _ in 0..<5 {
            let before = try residentBytes()
            try cycle(1_000)
            growth.append(try residentBytes() - before)
        }
        // Each cycle builds 80 laps with 3 strings each: a lost tree is over 10 KB a cycle, 10+ MB a round.
        #expect(growth.min()! < 5 * 1_024 * 1_024, "resident memory grew in every round of 1k cycles: \(growth)")
    }
}
