import Foundation
import RaceDomain
import Testing

@testable import RoadSenseStore

/// One suite, both stores: every test runs against SQLite and against PostgreSQL and expects the same
/// answers. Values are checked against what was written (real frames from the committed Barber excerpt,
/// hand-made laps, alerts and calls) and against hand-counted retention cut-offs.
@Suite("Store conformance")
struct StoreConformanceTests {
    static let base: Int64 = 1_757_184_000_000  // 2025-09-06 18:40 UTC, Barber race 1
    static let day: Int64 = 86_400_000

    /// The first frames of the committed excerpt, folded as the telemetry plugin does.
    static let realFrames: [CarFrame] = {
        let url = TestPaths.excerpt.appendingPathComponent("R1_barber_telemetry_data_sample.csv")
        let samples = (try? TelemetryReader(url: url, ledger: RowIssueLedger()).readAll()) ?? []
        var pivot = TelemetryPivot()
        return pivot.fold(samples)
    }()

    static let lap = LapRecord(
        vehicleID: "GR86-022-13", carNumber: 13, lap: 8, lapTimeMs: 97_428, crossedMs: base, s1Ms: 26_000,
        s2Ms: 41_100, s3Ms: 30_328, topSpeedKph: 198.4, avgSpeedKph: 141.25, elapsedMs: 790_000, flag: "GF",
        pitIn: true, pitTimeMs: 61_000, source: .analysis)

    static func alert(_ id: String, severity: Severity, at ms: Int64) -> Alert {
        Alert(
            alertID: id, vehicleID: "GR86-022-13", carNumber: 13, rule: "lap_time_drop", severity: severity,
            message: "slow", raisedMs: ms, lap: 8, value: 1.05, threshold: 1.03, channel: "")
    }

    static func call(_ id: String, enqueued: Int64, owner: String? = nil) -> CallRecord {
        CallRecord(
            callID: id, method: "bench.Sleep", priority: 2, attempt: 1, state: .queued, enqueuedMs: enqueued,
            entry: CallRecord.submitEntry, payload: [0, 1, 2, 255], maxAttempts: 3, owner: owner)
    }

    // MARK: Migrations

    @Test("an empty database gets every migration, in order, and empty tables", arguments: StoreKind.available)
    func migratesFromEmpty(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ throws in
            #expect(try store.appliedMigrations() == knownMigrations.map(\.version))
            for table in StoreTable.allCases { #expect(try store.count(table) == 0, "\(table)") }
        }
    }

    @Test(
        "a database at each earlier version migrates to the latest and keeps its rows", arguments: StoreKind.available)
    func migratesFromEachEarlierVersion(kind: StoreKind) throws {
        // Start from an empty database and from each version but the last (the versions, not 1…n: they need not
        // be contiguous).
        let versions = knownMigrations.map(\.version)
        for from in [0] + versions.dropLast() {
            try StoreKit.with(kind, "from\(from)", migrate: false) { store, location in
                #expect(try store.migrate(upTo: from) == versions.filter { $0 <= from })
                let frames = Self.twoCarFrames
                if from >= 1 {
                    try store.upsertLaps([Self.lap])
                    if from < 7 { try Self.insertTextKeyedFrames(frames, into: store) }
                }

                let reopened = try openStore(location)
                #expect(try reopened.appliedMigrations() == knownMigrations.map(\.version))
                #expect(try reopened.count(.laps) == (from >= 1 ? 1 : 0))
                #expect(try reopened.migrate(upTo: nil) == [])
                try reopened.recordCall(Self.call("c1", enqueued: 1))
                #expect(try reopened.call(id: "c1")?.payload == [0, 1, 2, 255])
                guard from >= 1 && from < 7 else { return }

                // Every frame survived the rebuild of car_frames (v7), value for value, and the rebuilt keys
                // still hold: the same frames again store nothing new; a new car gets a vehicle of its own.
                #expect(try reopened.count(.carFrames) == frames.count)
                for vehicle in ["GR86-002-000", "GR86-004-78"] {
                    let mine = frames.filter { $0.vehicleID == vehicle }
                    let stored = try reopened.frames(vehicleID: vehicle, fromMs: 0, toMs: Int64.max)
                    #expect(stored == mine.sorted { ($0.timeMs, $0.ecuTimeMs ?? 0) < ($1.timeMs, $1.ecuTimeMs ?? 0) })
                }
                try reopened.upsertFrames(frames)
                var newcomer = frames[0]
                newcomer.vehicleID = "GR86-013-80"
                try reopened.upsertFrames([newcomer])
                #expect(try reopened.count(.carFrames) == frames.count + 1)
                #expect(try reopened.frames(vehicleID: "GR86-013-80", fromMs: 0, toMs: Int64.max) == [newcomer])
            }
        }
    }

    /// The real frames of the excerpt's car and 60 of them again as a second car with its own ECU clock,
    /// every ECU time given (as the store reads it back).
    static let twoCarFrames: [CarFrame] = {
        let first = realFrames.map { frame in
            var f = frame
            f.ecuTimeMs = f.ecuTimeMs ?? f.timeMs
            return f
        }
        let second = first.prefix(60).map { frame in
            var f = frame
            f.vehicleID = "GR86-004-78"
            f.carNumber = 78
            f.ecuTimeMs = (f.ecuTimeMs ?? 0) + 3_600_000
            return f
        }
        return first + second
    }()

    /// Writes frames as versions 1–6 stored them (text vehicle id in every row), with the SQL of those
    /// versions: the store's own `upsertFrames` writes the current layout.
    static func insertTextKeyedFrames(_ frames: [CarFrame], into store: RaceStore) throws {
        let columns = """
            vehicle_id, ecu_time_ms, time_ms, car_number, lap, lap_distance_m, speed_kph, throttle_pct,
            brake_front_bar, brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, steering_deg, latitude_deg,
            longitude_deg
            """
        func values(_ f: CarFrame) -> [StoreValue?] {
            [.text(f.vehicleID)] + StoreRows.frame(f, vehicle: 0).dropFirst()
        }
        if let sqlite = store as? SQLiteRaceStore {
            try sqlite.db.transaction {
                for frame in frames {
                    try sqlite.db.statement(
                        "v6_frame", "INSERT INTO car_frames (\(columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    ).bind(values(frame)).run()
                }
            }
        } else if let postgres = store as? PostgresRaceStore {
            try postgres.transaction { connection in
                for frame in frames {
                    try connection.run(
                        "v6_frame",
                        """
                        INSERT INTO car_frames (\(columns))
                        VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
                        """, values(frame))
                }
            }
        }
    }

    // MARK: Upserts and reads

    @Test(
        "real frames read back exactly, in bulk and one by one, and writing them again stores them once",
        arguments: StoreKind.available)
    func framesRoundTrip(kind: StoreKind) throws {
        let frames = Self.realFrames
        try #require(frames.count > 400)
        try StoreKit.with(kind) { store, _ in
            try store.upsertFrames(Array(frames.prefix(10)))  // below the bulk threshold
            try store.upsertFrames(frames)  // bulk, overlapping the first ten: a redelivery
            try store.upsertFrames(Array(frames.suffix(500)))  // bulk, all already stored
            #expect(
                try store.count(.carFrames)
                    == Set(frames.map { FrameKey(vehicleID: $0.vehicleID, ecuTimeMs: $0.ecuTimeMs ?? $0.timeMs) }).count
            )

            let vehicle = frames[0].vehicleID
            let mine = frames.filter { $0.vehicleID == vehicle }
            let from = mine.map(\.timeMs).min()!
            let to = mine.map(\.timeMs).max()! + 1
            let stored = try store.frames(vehicleID: vehicle, fromMs: from, toMs: to)
            let expected = mine.sorted { ($0.timeMs, $0.ecuTimeMs ?? 0) < ($1.timeMs, $1.ecuTimeMs ?? 0) }
            #expect(stored.count == expected.count)
            #expect(
                stored
                    == expected.map {
                        var f = $0
                        f.ecuTimeMs = f.ecuTimeMs ?? f.timeMs
                        return f
                    })
        }
    }

    @Test(
        "a bulk batch repeating a key keeps the last frame for it, as row-by-row upserts do",
        arguments: StoreKind.available)
    func bulkLastWins(kind: StoreKind) throws {
        var frames = (0..<300).map {
            CarFrame(
                vehicleID: "GR86-002-2", carNumber: 2, timeMs: Self.base + Int64($0) * 100, lap: 1, speedKph: 100,
                ecuTimeMs: Self.base + Int64($0) * 100)
        }
        // Within the first multi-row statement of the SQLite store, and among its single-row remainder.
        var again = frames[10]
        again.speedKph = 150.5
        frames.insert(again, at: 200)
        var late = frames[280]
        late.speedKph = 99.25
        frames.append(late)
        try StoreKit.with(kind) { store, _ in
            try store.upsertFrames(frames)
            #expect(try store.count(.carFrames) == 300)
            let row = try store.frames(vehicleID: "GR86-002-2", fromMs: again.timeMs, toMs: again.timeMs + 1)
            #expect(row.map(\.speedKph) == [150.5])
            let other = try store.frames(vehicleID: "GR86-002-2", fromMs: late.timeMs, toMs: late.timeMs + 1)
            #expect(other.map(\.speedKph) == [99.25])
        }
    }

    @Test(
        "vehicle ids with quotes, backslashes, commas and braces are kept apart and read back as given",
        arguments: StoreKind.available)
    func oddVehicleIDs(kind: StoreKind) throws {
        let names = [#"GR86 "7",{x}"#, #"GR86\7"#, "GR86-007"]
        let frames = (0..<90).map {
            CarFrame(
                vehicleID: names[$0 % 3], carNumber: 7, timeMs: Self.base + Int64($0), lap: 1, speedKph: Double($0),
                ecuTimeMs: Self.base + Int64($0 / 3))
        }
        try StoreKit.with(kind) { store, _ in
            try store.upsertFrames(frames)
            try store.upsertFrames(Array(frames.prefix(9)))
            #expect(try store.count(.carFrames) == 90)
            for name in names {
                let stored = try store.frames(vehicleID: name, fromMs: Self.base, toMs: Self.base + 90)
                #expect(stored == frames.filter { $0.vehicleID == name })
            }
        }
    }

    @Test(
        "laps, weather, car states and predictions upsert by key and read back as written",
        arguments: StoreKind.available)
    func raceTables(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ in
            var lap = Self.lap
            try store.upsertLaps([lap, lap])
            lap.lapTimeMs = 97_000
            try store.upsertLaps([lap])
            #expect(try store.laps(carKey: "13") == [lap])

            let wet = WeatherSample(
                timeMs: Self.base, airTempC: 31.4, trackTempC: nil, humidityPct: 55.0, pressureHPa: 992.1,
                windSpeedKph: 7.2, windDirectionDeg: 270, rain: true)
            try store.upsertWeather([wet, wet])
            #expect(try store.weather() == [wet])

            let frame = Self.realFrames[0]
            let older = CarState(
                frame: frame, samples: 10, lastLapMs: 99_000, bestLapMs: 98_000, position: 3,
                lapsCompleted: 7, maxSpeedKph: 190.25)
            var newer = older
            newer.frame.timeMs += 10_000
            newer.samples = 12
            newer.finished = true
            try store.upsertCarStates([older, newer, newer])
            #expect(try store.count(.carStates) == 2)
            var expected = newer
            expected.frame.steeringDeg = nil  // car states keep the channels the pit wall shows
            expected.frame.latitudeDeg = nil
            expected.frame.longitudeDeg = nil
            expected.frame.ecuTimeMs = nil
            #expect(try store.latestCarStates() == [expected])

            let prediction = StrategyPrediction(
                vehicleID: "GR86-022-13", carNumber: 13, computedMs: Self.base, lapsCompleted: 8, lapsRemaining: 19,
                degradationMsPerLap: 41.5, degradationStderr: nil, predictedNextLapMs: 97_512.25, pitWindowOpenLap: 12,
                pitWindowCloseLap: nil, confidence: 0.8, cleanLaps: 6, model: "linear", rationale: "six clean laps")
            var later = prediction
            later.computedMs += 30_000
            try store.upsertPredictions([prediction, later, later])
            #expect(try store.count(.predictions) == 2)
            #expect(try store.latestPredictions() == [later])

            // A pace-model prediction: intervals, the next laps, tyre age, pit loss, best stops both ways.
            var detailed = later
            detailed.computedMs += 30_000
            detailed.nextLapLowMs = 96_900.5
            detailed.nextLapHighMs = 98_250.75
            detailed.forecasts = (1...3).map {
                LapForecast(
                    lap: 8 + $0, horizon: $0, meanMs: 97_500.125 + Double($0), lowMs: 96_800 - Double($0),
                    highMs: 98_300.5)
            }
            detailed.tyreAgeLaps = 7
            detailed.pitLossMs = 57_215.5
            detailed.pitLossStops = 2
            detailed.bestStop = PitWindow.Option(lap: 20, expectedGainMs: -40_100.25, lowMs: -52_000, highMs: -28_200.5)
            detailed.bestStopUnderCaution = PitWindow.Option(lap: 19, expectedGainMs: 0, lowMs: -1_000, highMs: 1_400)
            detailed.cautionWindowOpenLap = 18
            detailed.cautionWindowCloseLap = 24
            try store.upsertPredictions([detailed])
            #expect(try store.latestPredictions() == [detailed])
        }
    }

    @Test("an alert seen again keeps its first time and takes the higher severity", arguments: StoreKind.available)
    func alertUpsert(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ in
            try store.upsertAlerts([Self.alert("a", severity: .warning, at: 1000)])
            try store.upsertAlerts([Self.alert("a", severity: .critical, at: 2000)])
            try store.upsertAlerts([Self.alert("a", severity: .info, at: 3000)])
            #expect(try store.alerts() == [Self.alert("a", severity: .critical, at: 1000)])
        }
    }

    @Test(
        "ctl alerts/ack: open alerts by car, acknowledgement keeps its first time and note; frames since a time",
        arguments: StoreKind.available)
    func alertRecordsAndAcknowledgement(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ in
            var other = Self.alert("b", severity: .warning, at: 2000)
            other.carNumber = 99
            try store.upsertAlerts([Self.alert("a", severity: .critical, at: 1000), other])
            #expect(try store.alertRecords(openOnly: true, carNumber: nil).map(\.alert.alertID) == ["b", "a"])
            #expect(try store.alertRecords(openOnly: false, carNumber: 99).map(\.alert.alertID) == ["b"])
            #expect(try store.acknowledgeAlert(id: "a", note: "brakes checked", nowMs: 5000))
            #expect(try store.acknowledgeAlert(id: "a", note: nil, nowMs: 9000))
            #expect(try !store.acknowledgeAlert(id: "missing", note: nil, nowMs: 9000))
            let records = try store.alertRecords(openOnly: false, carNumber: nil)
            let acknowledged = try #require(records.first { $0.alert.alertID == "a" })
            #expect(acknowledged.acknowledgedMs == 5000 && acknowledged.ackNote == "brakes checked")
            #expect(try store.alertRecords(openOnly: true, carNumber: nil).map(\.alert.alertID) == ["b"])
            let frames = Array(Self.realFrames.prefix(40))
            try store.upsertFrames(frames)
            let middle = frames.map(\.timeMs).sorted()[20]
            let key = { (f: CarFrame) in "\(f.vehicleID)/\(f.ecuTimeMs ?? f.timeMs)" }
            let since = try store.frames(since: middle)
            #expect(since.map(key).sorted() == frames.filter { $0.timeMs >= middle }.map(key).sorted())
            #expect(since.allSatisfy { frame in frames.contains { key($0) == key(frame) && $0 == frame } })
        }
    }

    @Test(
        "a batch commits its writes together; a failing inner write undoes only itself",
        arguments: StoreKind.available)
    func batches(kind: StoreKind) throws {
        struct Boom: Error {}
        try StoreKit.with(kind) { store, _ in
            try store.batch {}
            #expect(throws: Boom.self) {
                try store.batch {
                    try store.upsertLaps([Self.lap])
                    throw Boom()
                }
            }
            #expect(try store.count(.laps) == 0)
            try store.batch {
                try store.upsertLaps([Self.lap])
                try store.recordCall(Self.call("c1", enqueued: 1))
                // A write refused by the database (a duplicate key) undoes only itself.
                #expect(throws: StoreError.self) { try store.migrateInvalidForTest() }
            }
            #expect(try store.count(.laps) == 1)
            #expect(try store.count(.calls) == 1)
        }
    }

    // MARK: Calls and dead letters

    @Test(
        "calls: insert keeps the payload, updates change state, and each read sees the same rows",
        arguments: StoreKind.available)
    func callLifecycle(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ in
            var call = Self.call("c1", enqueued: 10, owner: "host-a")
            try store.recordCall(call)
            try store.recordCall(Self.call("c2", enqueued: 20))
            #expect(try store.unfinishedCalls().map(\.callID) == ["c1", "c2"])

            call.state = .running
            call.payload = nil
            call.worker = "telemetry/4242"
            try store.recordCall(call)
            call.state = .succeeded
            call.status = "OK"
            call.finishedMs = 99
            call.result = [9, 8]
            call.errors = ["attempt 1: UNAVAILABLE worker\nlost", "attempt 2: DEADLINE_EXCEEDED"]
            try store.recordCall(call)

            let stored = try #require(try store.call(id: "c1"))
            var expected = call
            expected.payload = [0, 1, 2, 255]
            expected.errors = ["attempt 1: UNAVAILABLE worker lost", "attempt 2: DEADLINE_EXCEEDED"]
            #expect(stored == expected)
            #expect(try store.calls(state: .succeeded).map(\.callID) == ["c1"])
            #expect(try store.calls(state: nil).map(\.callID) == ["c1", "c2"])
            #expect(try store.call(id: "nope") == nil)
        }
    }

    @Test("unowned queued calls are claimed once, by the first host that asks", arguments: StoreKind.available)
    func claims(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ in
            try store.recordCall(Self.call("b", enqueued: 2))
            try store.recordCall(Self.call("a", enqueued: 1))
            try store.recordCall(Self.call("mine", enqueued: 0, owner: "host-a"))
            let first = try store.claimUnownedCalls(owner: "host-b")
            #expect(first.map(\.callID) == ["a", "b"])
            #expect(first.allSatisfy { $0.owner == "host-b" && $0.payload == [0, 1, 2, 255] })
            #expect(try store.claimUnownedCalls(owner: "host-c") == [])
            #expect(try store.call(id: "a")?.owner == "host-b")
        }
    }

    @Test(
        "a dead letter keeps every error, can be retried once as a fresh call, and purged",
        arguments: StoreKind.available)
    func deadLetters(kind: StoreKind) throws {
        try StoreKit.with(kind) { store, _ in
            var call = Self.call("d1", enqueued: 5, owner: "host-a")
            call.attempt = 3
            call.errors = ["attempt 1: UNAVAILABLE", "attempt 2: UNAVAILABLE", "attempt 3: INTERNAL boom"]
            try store.recordCall(call)
            try store.deadLetter(call, nowMs: 500)
            #expect(
                try store.deadLetters() == [
                    DeadLetter(
                        callID: "d1", method: "bench.Sleep", entry: "submit", priority: 2, attempts: 3,
                        errors: call.errors,
                        deadMs: 500, payload: [0, 1, 2, 255])
                ])
            #expect(try store.call(id: "d1")?.state == .failed)

            #expect(try store.retryDeadLetter(id: "d1", nowMs: 600))
            #expect(try !store.retryDeadLetter(id: "d1", nowMs: 700))
            let retried = try #require(try store.call(id: "d1"))
            #expect(retried.state == .queued && retried.attempt == 1 && retried.owner == nil && retried.errors == [])
            #expect(retried.enqueuedMs == 600)

            try store.deadLetter(retried, nowMs: 800)
            try store.recordCall(Self.call("d2", enqueued: 6))
            try store.deadLetter(Self.call("d2", enqueued: 6), nowMs: 900)
            #expect(try store.purgeDeadLetters() == 2)
            #expect(try store.deadLetters() == [])
        }
    }

    // MARK: Retention

    @Test(
        "retention deletes telemetry older than N days and alerts resolved more than M days ago, in batches",
        arguments: StoreKind.available)
    func retention(kind: StoreKind) throws {
        let now = Self.base + 40 * Self.day
        // 250 frames at base (40 days old), 70 at now - 6 days, 30 at now - 1 day.
        func frames(_ count: Int, at time: Int64, vehicle: String) -> [CarFrame] {
            (0..<count).map {
                CarFrame(
                    vehicleID: vehicle, carNumber: 2, timeMs: time + Int64($0), lap: 1, ecuTimeMs: time + Int64($0))
            }
        }
        try StoreKit.with(kind) { store, _ in
            try store.upsertFrames(frames(250, at: Self.base, vehicle: "old"))
            try store.upsertFrames(frames(70, at: now - 6 * Self.day, vehicle: "week"))
            try store.upsertFrames(frames(30, at: now - Self.day, vehicle: "day"))
            let state = { (t: Int64) in CarState(frame: CarFrame(vehicleID: "x", timeMs: t), samples: 1) }
            try store.upsertCarStates([state(Self.base), state(now - 8 * Self.day), state(now)])

            // Alerts, all first raised 40 days ago: one resolved 31 days ago, one resolved 5 days ago, one
            // acknowledged 31 days ago, one acknowledged 5 days ago, one old but never resolved nor acknowledged.
            try store.upsertAlerts([
                Self.alert("gone", severity: .warning, at: Self.base),
                Self.alert("recent", severity: .warning, at: Self.base),
                Self.alert("acked-long-ago", severity: .warning, at: Self.base),
                Self.alert("acked-lately", severity: .warning, at: Self.base),
                Self.alert("open", severity: .critical, at: Self.base),
            ])
            #expect(try store.resolveAlert(id: "gone", nowMs: now - 31 * Self.day))
            #expect(try store.resolveAlert(id: "recent", nowMs: now - 5 * Self.day))
            #expect(try !store.resolveAlert(id: "missing", nowMs: now))
            #expect(try store.acknowledgeAlert(id: "acked-long-ago", note: nil, nowMs: now - 31 * Self.day))
            #expect(try store.acknowledgeAlert(id: "acked-lately", note: nil, nowMs: now - 5 * Self.day))

            // A telemetry-only pass leaves every alert; an alerts-only pass every frame and state.
            let telemetryOnly = RetentionPolicy(telemetryMaxAgeMs: 60 * Self.day, alertMaxAgeMs: nil, batchRows: 100)
            #expect(try store.deleteExpired(telemetryOnly, nowMs: now) == RetentionCounts())
            #expect(try store.count(.alerts) == 5)
            let alertsOnly = RetentionPolicy(telemetryMaxAgeMs: nil, alertMaxAgeMs: 60 * Self.day, batchRows: 100)
            #expect(try store.deleteExpired(alertsOnly, nowMs: now) == RetentionCounts(batches: 1))
            #expect(try store.count(.carFrames) == 350)

            let counts = try store.deleteExpired(
                RetentionPolicy(telemetryDays: 7, resolvedAlertDays: 30, batchRows: 100), nowMs: now)
            // Frames: car "old" in batches of 100 → 100, 100, 50 (the other cars have nothing old); car states:
            // 2 in one batch; alerts: the one resolved and the one acknowledged 31 days ago, in one batch.
            #expect(counts == RetentionCounts(frames: 250, carStates: 2, alerts: 2, batches: 5))
            #expect(try store.count(.carFrames) == 100)
            #expect(try store.count(.carStates) == 1)
            #expect(try store.alerts().map(\.alertID).sorted() == ["acked-lately", "open", "recent"])

            // Batches of one: the two finished alerts go one per transaction (plus the short batch that ends it).
            try store.upsertAlerts([Self.alert("a1", severity: .info, at: Self.base)])
            try store.upsertAlerts([Self.alert("a2", severity: .info, at: Self.base)])
            #expect(try store.resolveAlert(id: "a1", nowMs: now - 31 * Self.day))
            #expect(try store.acknowledgeAlert(id: "a2", note: nil, nowMs: now - 31 * Self.day))
            let single = RetentionPolicy(telemetryMaxAgeMs: nil, alertMaxAgeMs: 30 * Self.day, batchRows: 1)
            #expect(try store.deleteExpired(single, nowMs: now) == RetentionCounts(alerts: 2, batches: 3))

            // Nothing left to delete: no car has old telemetry, and one empty batch looks for alerts.
            let again = try store.deleteExpired(
                RetentionPolicy(telemetryDays: 7, resolvedAlertDays: 30, batchRows: 100), nowMs: now)
            #expect(again == RetentionCounts(batches: 1))

            // An alert raised again is open again and survives retention; so does an acknowledged one raised again.
            try store.upsertAlerts([Self.alert("acked-lately", severity: .info, at: now)])
            try store.upsertAlerts([Self.alert("recent", severity: .info, at: now)])
            let later = try store.deleteExpired(
                RetentionPolicy(telemetryDays: 7, resolvedAlertDays: 0, batchRows: 100), nowMs: now)
            #expect(later.alerts == 0)
            #expect(try store.alerts().map(\.alertID).sorted() == ["acked-lately", "open", "recent"])
        }
    }

    // MARK: Leader lock

    @Test(
        "the leader lock is held by one handle at a time and passes on when released",
        arguments: StoreKind.available)
    func leaderLock(kind: StoreKind) throws {
        try StoreKit.with(kind) { first, location in
            let second = try openStore(location)
            #expect(try first.tryAcquireLeaderLock("scheduler"))
            #expect(try first.tryAcquireLeaderLock("scheduler"))
            #expect(try !second.tryAcquireLeaderLock("scheduler"))
            #expect(try second.tryAcquireLeaderLock("other"))
            try first.releaseLeaderLock("scheduler")
            #expect(try second.tryAcquireLeaderLock("scheduler"))
            #expect(try !first.tryAcquireLeaderLock("scheduler"))
            try second.releaseLeaderLock("scheduler")
            try second.releaseLeaderLock("other")
        }
    }
}

extension RaceStore {
    /// A write that always fails (a second row for migration 1), for the rollback tests.
    func migrateInvalidForTest() throws {
        if let sqlite = self as? SQLiteRaceStore {
            try sqlite.db.transaction {
                try sqlite.db.statement("dup_migration", "INSERT INTO schema_migrations VALUES (1, 'x', 0)").run()
            }
        } else if let postgres = self as? PostgresRaceStore {
            _ = try postgres.transaction {
                try $0.run("dup_migration", "INSERT INTO schema_migrations VALUES (1, 'x', 0)")
            }
        }
    }
}
