import Foundation
import RaceDomain
import RoadSenseHost
import RoadSenseProtocol
import RoadSenseStore
import Testing

/// `roadsense submit --json` / `--wait` against two peers: Google's Python protobuf library
/// (`google.protobuf.json_format`, the generated code of scripts/python-env.sh) for the JSON mapping, and a
/// real host with the strategy and bench plugins for the whole path.
@Suite("submit --json and --wait for every method", .serialized)
struct SubmitJSONTests {
    /// Real laps of Barber race 1 (the committed excerpt: every car, laps 1–8).
    static func realLaps() throws -> [LapRecord] {
        try RaceData.load(try RaceFiles.locate(directory: TestPaths.excerpt, race: 1), ledger: RowIssueLedger()).laps
    }

    static func realRequests() throws -> [(method: String, bytes: [UInt8])] {
        let laps = try realLaps()
        let samples = Array(
            try TelemetryReader(
                url: TestPaths.excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv"),
                ledger: RowIssueLedger()
            ).prefix(300))
        let states = [
            CarState(
                frame: CarFrame(
                    vehicleID: "GR86-002-000", carNumber: 2, timeMs: samples[0].metaTimeMs, lap: samples[0].lap,
                    accelLongG: samples[0].value, ecuTimeMs: samples[0].ecuTimeMs),
                samples: 300, lastLapMs: 114_168, bestLapMs: nil, position: 3, lapsCompleted: 1, maxSpeedKph: nil)
        ]
        let now = laps.map(\.crossedMs).max() ?? 0
        return [
            ("strategy.UpdatePredictions", StrategyRequest(laps: laps, raceLaps: 27, nowMs: now).encoded()),
            (
                "telemetry.ProcessLive",
                TelemetryBatch(
                    samples: samples, windowStartMs: samples.map(\.metaTimeMs).min() ?? 0,
                    windowEndMs: samples.map(\.metaTimeMs).max() ?? 0, laps: Array(laps.prefix(20))
                ).encoded()
            ),
            (
                "alerts.CheckConditions",
                AlertRequest(
                    states: states, laps: laps,
                    feeds: [FeedStatus(vehicleID: "GR86-002-000", carNumber: 2, lastSampleMs: now - 95_000)],
                    nowMs: now
                ).encoded()
            ),
            ("bench.Fail", BenchRequest(sleepMs: 20, failWith: .resourceExhausted, blob: [0, 1, 254, 255]).encoded()),
            ("analytics.UpdateCompetitors", AnalyticsRequest(laps: laps, nowMs: now).encoded()),
            (
                "simulation.RunBatch",
                SimulationRequest(laps: laps, raceLaps: 27, iterations: 500, seed: UInt64(now), nowMs: now).encoded()
            ),
            ("weather.Update", WeatherRequest(nowMs: now, windowMs: 900_000).encoded()),
            ("ingest.IngestExternal", IngestRequest(nowMs: now).encoded()),
            ("maintenance.CleanupAlerts", MaintenanceRequest(nowMs: now, olderThanMs: 2_592_000_000).encoded()),
        ]
    }

    @Test("every method a default plugin serves has its request and response in MethodMessages")
    func everyServedMethodIsKnown() throws {
        let served =
            PluginConfig.defaults.flatMap(\.methods) + ["bench.Noop", "bench.Sleep", "bench.Fail", "bench.Hang"]
        #expect(served.count > 10)
        for method in served {
            #expect(MethodMessages.named(method) != nil, "\(method) is served but not in MethodMessages.all")
        }
    }

    // MARK: the Python peer

    /// Runs `google.protobuf.json_format` on each case: `{"type", "json"}` → `{"hex"}` (Parse, then
    /// SerializeToString) or `{"error"}`; `{"type", "hex"}` → `{"json"}` (MessageToJson).
    static func python(_ cases: [[String: String]]) throws -> [[String: String]] {
        try PythonPluginTests.preparePythonEnvironment()
        let directory = try TestPaths.temporaryDirectory("json-peer")
        let input = directory.appendingPathComponent("cases.json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        let script = """
            import json, sys
            sys.path.insert(0, sys.argv[2])
            import roadsense_pb2
            from google.protobuf import json_format
            out = []
            for case in json.load(open(sys.argv[1])):
                cls = getattr(roadsense_pb2, case["type"])
                if "json" in case:
                    try:
                        out.append({"hex": json_format.Parse(case["json"], cls()).SerializeToString().hex()})
                    except Exception as error:
                        out.append({"error": str(error)})
                else:
                    message = cls()
                    message.ParseFromString(bytes.fromhex(case["hex"]))
                    out.append({"json": json_format.MessageToJson(message)})
            json.dump(out, sys.stdout)
            """
        let process = Process()
        process.executableURL = TestPaths.repository.appendingPathComponent(".build/python-venv/bin/python")
        process.arguments = [
            "-c", script, input.path, TestPaths.repository.appendingPathComponent(".build/python-gen").path,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let results = try JSONSerialization.jsonObject(with: stdout) as? [[String: String]]
        else {
            throw PythonPluginTests.SetupError(
                "python json_format peer failed: \(String(decoding: stderr, as: UTF8.self))")
        }
        return results
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("json_format reads our JSON of every request to the same bytes, and we read its JSON to the same bytes")
    func requestsAgreeWithPython() throws {
        let requests = try Self.realRequests()
        var cases: [[String: String]] = []
        for request in requests {
            let type = try #require(MethodMessages.named(request.method)).request
            cases.append(["type": type.name, "json": try ProtobufJSON.json(fromWire: request.bytes, as: type)])
            cases.append(["type": type.name, "hex": Self.hex(request.bytes)])
        }
        let results = try Self.python(cases)
        try #require(results.count == cases.count)

        for (index, request) in requests.enumerated() {
            let type = try #require(MethodMessages.named(request.method)).request
            // Our JSON (proto names, every default, 64-bit numbers, "NaN") means the same message to Python.
            #expect(results[2 * index]["hex"] == Self.hex(request.bytes), "\(request.method): \(results[2 * index])")
            // Python's JSON (lowerCamelCase, defaults left out, 64-bit integers as strings) means the same to us.
            let pythonJSON = try #require(results[2 * index + 1]["json"])
            #expect(try ProtobufJSON.wire(fromJSON: pythonJSON, as: type) == request.bytes, "\(request.method)")
        }
    }

    @Test("hand-written JSON gives json_format's bytes; what json_format refuses, we refuse")
    func handWrittenAgreesWithPython() throws {
        let accepted: [(String, String)] = [
            ("BenchRequest", #"{"sleepMs": "250", "failWith": 14, "blob": "AAH-_w"}"#),
            ("BenchRequest", #"{"sleep_ms": 4294967295, "fail_with": "DEADLINE_EXCEEDED", "blob": null}"#),
            (
                "StrategyRequest",
                #"{"laps": [{"vehicleId": "GR86-013-055", "carNumber": 13, "lap": 3, "lapTimeMs": 97123, "#
                    + #""crossedMs": "1757184041926", "topSpeedKph": "NaN", "avgSpeedKph": 139.25, "pitIn": true, "#
                    + #""source": "lap_end"}, {"lap": -1, "car_number": -1, "s1_ms": -9223372036854775808}], "#
                    + #""raceLaps": 27, "nowMs": 1.757184041926e12}"#
            ),
            (
                "AlertRequest",
                #"{"states": [{"frame": {"vehicle_id": "GR86-002-000", "gear": -1, "speedKph": "Infinity", "#
                    + #""latitudeDeg": 33.5319, "longitude_deg": -86.6193}, "samples": 12, "max_speed_kph": 1e2}], "#
                    + #""feeds": [{"vehicle_id": "ü—🏁", "last_sample_ms": "-5"}], "now_ms": 0}"#
            ),
        ]
        // (A field given under both its names is refused by us but not by json_format 4.21; ProtobufJSONTests
        // covers it.)
        let refused: [(String, String)] = [
            ("StrategyRequest", #"{"laps": [{"lap": 1}, {"lap_time_ms": "abc"}]}"#),
            ("StrategyRequest", #"{"laps": [{"lap_tme_ms": 1}]}"#),
            ("StrategyRequest", #"{"race_laps": 2147483648}"#),
            ("StrategyRequest", #"{"race_laps": 27.5}"#),
            ("StrategyRequest", #"{"now_ms": 9223372036854775808}"#),
            ("StrategyRequest", #"{"laps": [null]}"#),
            ("StrategyRequest", #"{"laps": [{"pit_in": "yes"}]}"#),
            ("StrategyRequest", #"{"laps": {"lap": 1}}"#),
            ("BenchRequest", #"{"fail_with": "UNAVAILBLE"}"#),
            ("BenchRequest", #"{"sleep_ms": -1}"#),
            ("AlertRequest", #"{"states": [{"frame": {"gear": 3000000000}}]}"#),
        ]
        let results = try Self.python((accepted + refused).map { ["type": $0.0, "json": $0.1] })
        try #require(results.count == accepted.count + refused.count)

        for (index, (name, json)) in accepted.enumerated() {
            let type = try #require(MethodMessages.all.first { $0.request.name == name }).request
            let ours = try ProtobufJSON.wire(fromJSON: json, as: type)
            #expect(results[index]["hex"] == Self.hex(ours), "\(json): python says \(results[index])")
        }
        for (offset, (name, json)) in refused.enumerated() {
            let type = try #require(MethodMessages.all.first { $0.request.name == name }).request
            #expect(results[accepted.count + offset]["error"] != nil, "python accepted \(json)")
            #expect(throws: WireError.self, "we accepted \(json)") { try ProtobufJSON.wire(fromJSON: json, as: type) }
        }
    }

    // MARK: a real host

    /// Runs `roadsense submit ARGUMENTS`; returns its exit status and standard output.
    static func submit(_ arguments: [String], store: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = ["submit"] + arguments + ["--store", "sqlite:\(store)"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test("submit strategy.UpdatePredictions --json … --wait prints the predictions as JSON; a failure its status")
    func endToEnd() throws {
        let harness = try HostHarness(
            replicas: 1,
            plugins: [
                ["name": "strategy", "executable": "roadsense-strategy", "methods": ["strategy.UpdatePredictions"]],
                ["name": "bench", "executable": "roadsense-bench", "methods": ["bench.Fail"]],
            ])
        try harness.start()
        defer { harness.stop() }
        #expect(harness.log.contains("host ready"), "host did not start: \(harness.log.suffix(2000))")

        // The request as a strategist would write it: every real lap so far, in the .proto's field names.
        let laps = try Self.realLaps()
        let request = StrategyRequest(laps: laps, raceLaps: 27, nowMs: laps.map(\.crossedMs).max() ?? 0)
        let strategy = try #require(MethodMessages.named("strategy.UpdatePredictions"))
        let json = try ProtobufJSON.json(fromWire: request.encoded(), as: strategy.request)
        // Given as `--json @FILE`, as a whole race's laps would have to be (over one argument's 128 KiB).
        let file = harness.directory.appendingPathComponent("strategy-request.json")
        try Data(json.utf8).write(to: file)
        let run = try Self.submit(
            ["strategy.UpdatePredictions", "--json", "@" + file.path, "--wait"], store: harness.storePath)
        #expect(run.status == 0, "submit exited \(run.status): \(run.stderr) \(harness.log.suffix(2000))")

        // Line 1 the call id, line 2 the outcome, then the result as JSON.
        let lines = run.stdout.split(separator: "\n", maxSplits: 2).map(String.init)
        try #require(lines.count == 3, "output: \(run.stdout)")
        #expect(UUID(uuidString: lines[0]) != nil)
        #expect(lines[1] == "succeeded after 1 attempt(s): status OK")
        let printed = try StrategyResult(wire: ProtobufJSON.wire(fromJSON: lines[2], as: strategy.response))

        // The same model and code the plugin runs, on the same laps: the printed JSON carries its every field.
        var live = LiveStrategy(model: try PaceModel.load(TestPaths.shippedModel.path))
        live.update(laps: laps)
        let expected = live.predictions(raceLaps: 27, nowMs: request.nowMs)
        #expect(!expected.isEmpty)
        #expect(printed.predictions == expected)
        // The excerpt's analysis file holds laps 1–6 of all 22 cars: one prediction each, 6 laps done, 21 to go.
        #expect(Set(printed.predictions.map(\.carNumber)) == Set(laps.map(\.carNumber)))
        #expect(printed.predictions.count == 22)
        let printedObject = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        for prediction in try #require(printedObject["predictions"] as? [[String: Any]]) {
            #expect(prediction["laps_completed"] as? Int == 6 && prediction["laps_remaining"] as? Int == 21)
        }

        // A failing call prints its status and message and exits 1.
        let failing = try Self.submit(
            ["bench.Fail", "--json", #"{"failWith": "FAILED_PRECONDITION"}"#, "--attempts", "1", "--wait"],
            store: harness.storePath)
        #expect(failing.status == 1)
        let outcome = failing.stdout.split(separator: "\n").dropFirst().map(String.init)
        #expect(
            outcome == [
                "failed after 1 attempt(s): status FAILED_PRECONDITION, message: bench.Fail asked to fail with "
                    + "FAILED_PRECONDITION"
            ], "output: \(failing.stdout.debugDescription)")

        // Refusals name the field and exit 2 before anything is queued.
        let refused = try Self.submit(
            ["strategy.UpdatePredictions", "--json", #"{"laps": [{"lap": "x"}]}"#], store: harness.storePath)
        #expect(refused.status == 2)
        #expect(
            refused.stderr
                == "roadsense: --json for strategy.UpdatePredictions (request StrategyRequest): laps[0].lap: "
                + "expected an integer, got \"x\"\n")
        let unknown = try Self.submit(["pitlane.Predict", "--json", "{}"], store: harness.storePath)
        #expect(unknown.status == 2)
        #expect(
            unknown.stderr.contains("no request message is known for pitlane.Predict (known: telemetry.ProcessLive"))
        #expect(try harness.store().calls(state: .queued).isEmpty)
    }
}
