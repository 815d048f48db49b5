import RaceDomain

/// What the periodic jobs write: alert acknowledgement, reports and simulations. The SQL is
/// the subset SQLite and PostgreSQL share (`ON CONFLICT … DO UPDATE`, no `INSERT OR REPLACE`).
extension SQLiteRaceStore {
    /// Runs one counted write statement.
    private func change(_ name: String, _ sql: String, _ values: [SQLiteValue?]) throws -> Int {
        try db.transaction {
            try db.statement(name, sql).bind(values).run()
            let changed = db.changes
            rowsWritten += changed
            return changed
        }
    }

    public func acknowledgeAlerts(lastRaisedBefore timeMs: Int64, nowMs: Int64) throws -> Int {
        try change(
            "acknowledge_stale_alerts",
            "UPDATE alerts SET acknowledged_ms = ? WHERE acknowledged_ms IS NULL AND last_raised_ms < ?",
            [.integer(nowMs), .integer(timeMs)])
    }

    public func acknowledgedAlerts() throws -> [String: Int64] {
        var acknowledged: [String: Int64] = [:]
        let sql = "SELECT alert_id, acknowledged_ms FROM alerts WHERE acknowledged_ms IS NOT NULL"
        try db.statement("acknowledged_alerts", sql).query { r in
            acknowledged[r.string(0) ?? ""] = r.int64(1) ?? 0
        }
        return acknowledged
    }

    public func upsertReport(_ report: AnalyticsReport) throws {
        try db.transaction {
            let w = report.weather
            try upsert(
                [report], name: "upsert_report",
                sql: """
                    INSERT INTO reports (kind, generated_ms, summary, air_temp_c, track_temp_c,
                      humidity_pct, wind_speed_kph, rain, weather_ms, pressure_hpa, wind_direction_deg,
                      weather_samples, rain_seen, air_trend_c_per_hour, track_trend_c_per_hour)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                    ON CONFLICT (kind, generated_ms) DO UPDATE SET summary=excluded.summary,
                      air_temp_c=excluded.air_temp_c, track_temp_c=excluded.track_temp_c,
                      humidity_pct=excluded.humidity_pct, wind_speed_kph=excluded.wind_speed_kph, rain=excluded.rain,
                      weather_ms=excluded.weather_ms, pressure_hpa=excluded.pressure_hpa,
                      wind_direction_deg=excluded.wind_direction_deg, weather_samples=excluded.weather_samples,
                      rain_seen=excluded.rain_seen, air_trend_c_per_hour=excluded.air_trend_c_per_hour,
                      track_trend_c_per_hour=excluded.track_trend_c_per_hour
                    """
            ) { r in
                let c = r.conditions
                return [
                    .text(r.kind), .integer(r.generatedMs), .text(r.summary), .double(w?.airTempC),
                    .double(w?.trackTempC), .double(w?.humidityPct), .double(w?.windSpeedKph),
                    w.map { .integer($0.rain ? 1 : 0) } ?? nil, .int64(w?.timeMs), .double(w?.pressureHPa),
                    .double(w?.windDirectionDeg), .int(c?.samples), c.map { .integer($0.rainSeen ? 1 : 0) } ?? nil,
                    .double(c?.airTempTrendCPerHour), .double(c?.trackTempTrendCPerHour),
                ]
            }
            try upsert(
                report.cars, name: "upsert_report_car",
                sql: """
                    INSERT INTO report_cars (kind, generated_ms, car_key, vehicle_id, car_number,
                      laps_completed, best_lap_ms, best_lap_number, theoretical_best_ms, top_speed_kph,
                      median_green_lap_ms, position) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                    ON CONFLICT (kind, generated_ms, car_key) DO UPDATE SET vehicle_id=excluded.vehicle_id,
                      car_number=excluded.car_number, laps_completed=excluded.laps_completed,
                      best_lap_ms=excluded.best_lap_ms, best_lap_number=excluded.best_lap_number,
                      theoretical_best_ms=excluded.theoretical_best_ms, top_speed_kph=excluded.top_speed_kph,
                      median_green_lap_ms=excluded.median_green_lap_ms, position=excluded.position
                    """
            ) { c in
                [
                    .text(report.kind), .integer(report.generatedMs),
                    .text(CarKey.of(vehicleID: c.vehicleID, carNumber: c.carNumber)), .text(c.vehicleID),
                    .int(c.carNumber), .integer(Int64(c.lapsCompleted)), .int64(c.bestLapMs), .int(c.bestLapNumber),
                    .int64(c.theoreticalBestMs), .double(c.topSpeedKph), .int64(c.medianGreenLapMs), .int(c.position),
                ]
            }
            try upsertFigures(of: report)
        }
    }

    public func latestReport(kind: String) throws -> AnalyticsReport? {
        var report: AnalyticsReport?
        let head = """
            SELECT generated_ms, summary, air_temp_c, track_temp_c, humidity_pct, wind_speed_kph, rain, weather_ms,
              pressure_hpa, wind_direction_deg, weather_samples, rain_seen, air_trend_c_per_hour,
              track_trend_c_per_hour
            FROM reports WHERE kind = ? ORDER BY generated_ms DESC LIMIT 1
            """
        try db.statement("latest_report", head).bind([.text(kind)]).query { r in
            let weather = r.int64(7).map {
                WeatherSample(
                    timeMs: $0, airTempC: r.double(2), trackTempC: r.double(3), humidityPct: r.double(4),
                    pressureHPa: r.double(8), windSpeedKph: r.double(5), windDirectionDeg: r.double(9),
                    rain: r.int(6) == 1)
            }
            let conditions = ReportFigureRows.conditions(
                weather, samples: r.int(10), rainSeen: r.int(11), trends: (r.double(12), r.double(13)))
            report = AnalyticsReport(
                kind: kind, generatedMs: r.int64(0) ?? 0, cars: [], weather: weather, summary: r.string(1) ?? "",
                conditions: conditions)
        }
        guard var found = report else { return nil }

        let cars = """
            SELECT vehicle_id, car_number, laps_completed, best_lap_ms, best_lap_number, theoretical_best_ms,
              top_speed_kph, median_green_lap_ms, position
            FROM report_cars WHERE kind = ? AND generated_ms = ? ORDER BY coalesce(position, 1000000), car_key
            """
        try db.statement("latest_report_cars", cars).bind([.text(kind), .integer(found.generatedMs)]).query { r in
            found.cars.append(
                CarPerformance(
                    vehicleID: r.string(0) ?? "", carNumber: r.int(1), lapsCompleted: r.int(2) ?? 0,
                    bestLapMs: r.int64(3), bestLapNumber: r.int(4), theoreticalBestMs: r.int64(5),
                    topSpeedKph: r.double(6), medianGreenLapMs: r.int64(7), position: r.int(8)))
        }
        try attachFigures(to: &found)
        return found
    }

    public func upsertSimulation(_ batch: SimulationBatch) throws {
        try upsert(
            batch.cars, name: "upsert_simulation",
            sql: """
                INSERT INTO simulations (computed_ms, car_key, vehicle_id, car_number, current_position,
                  expected_position, win_probability, podium_probability, iterations, seed, laps_remaining,
                  position_counts, races_simulated, runs_per_second, model)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (computed_ms, car_key) DO UPDATE SET vehicle_id=excluded.vehicle_id,
                  car_number=excluded.car_number, current_position=excluded.current_position,
                  expected_position=excluded.expected_position, win_probability=excluded.win_probability,
                  podium_probability=excluded.podium_probability, iterations=excluded.iterations, seed=excluded.seed,
                  laps_remaining=excluded.laps_remaining, position_counts=excluded.position_counts,
                  races_simulated=excluded.races_simulated, runs_per_second=excluded.runs_per_second,
                  model=excluded.model
                """
        ) { c in
            [
                .integer(batch.computedMs), .text(CarKey.of(vehicleID: c.vehicleID, carNumber: c.carNumber)),
                .text(c.vehicleID), .int(c.carNumber), .integer(Int64(c.currentPosition)), .real(c.expectedPosition),
                .real(c.winProbability), .real(c.podiumProbability), .integer(Int64(batch.iterations)),
                .text(String(batch.seed)), .integer(Int64(batch.lapsRemaining)),
                .text(StoreRows.countsJSON(c.positionCounts)), .integer(Int64(batch.racesSimulated)),
                .real(batch.runsPerSecond), .text(batch.model),
            ]
        }
        try upsert(
            batch.options, name: "upsert_simulation_option",
            sql: """
                INSERT INTO simulation_options (computed_ms, car_key, pit_lap, vehicle_id, car_number, pit_loss_ms,
                  expected_gain_ms, expected_position, win_probability, podium_probability, position_counts)
                VALUES (?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (computed_ms, car_key, pit_lap) DO UPDATE SET vehicle_id=excluded.vehicle_id,
                  car_number=excluded.car_number, pit_loss_ms=excluded.pit_loss_ms,
                  expected_gain_ms=excluded.expected_gain_ms, expected_position=excluded.expected_position,
                  win_probability=excluded.win_probability, podium_probability=excluded.podium_probability,
                  position_counts=excluded.position_counts
                """
        ) { o in
            [
                .integer(batch.computedMs), .text(CarKey.of(vehicleID: o.vehicleID, carNumber: o.carNumber)),
                .integer(Int64(o.pitLap)), .text(o.vehicleID), .int(o.carNumber), .real(o.pitLossMs),
                .real(o.expectedGainMs), .real(o.expectedPosition), .real(o.winProbability), .real(o.podiumProbability),
                .text(StoreRows.countsJSON(o.positionCounts)),
            ]
        }
    }

    public func latestSimulation() throws -> SimulationBatch? {
        var batch: SimulationBatch?
        let sql = """
            SELECT computed_ms, vehicle_id, car_number, current_position, expected_position, win_probability,
              podium_probability, iterations, seed, laps_remaining, position_counts, races_simulated, runs_per_second,
              model
            FROM simulations WHERE computed_ms = (SELECT max(computed_ms) FROM simulations)
            ORDER BY current_position, car_key
            """
        try db.statement("latest_simulation", sql).query { r in
            if batch == nil {
                batch = SimulationBatch(
                    computedMs: r.int64(0) ?? 0, iterations: r.int(7) ?? 0, seed: UInt64(r.string(8) ?? "") ?? 0,
                    lapsRemaining: r.int(9) ?? 0, cars: [], racesSimulated: r.int(11) ?? 0,
                    runsPerSecond: r.double(12) ?? 0, model: r.string(13) ?? "")
            }
            batch?.cars.append(
                FinishProjection(
                    vehicleID: r.string(1) ?? "", carNumber: r.int(2), currentPosition: r.int(3) ?? 0,
                    expectedPosition: r.double(4) ?? 0, winProbability: r.double(5) ?? 0,
                    podiumProbability: r.double(6) ?? 0, positionCounts: StoreRows.counts(json: r.string(10) ?? "[]")))
        }
        guard var found = batch else { return nil }
        let options = """
            SELECT vehicle_id, car_number, pit_lap, pit_loss_ms, expected_gain_ms, expected_position, win_probability,
              podium_probability, position_counts
            FROM simulation_options WHERE computed_ms = ? ORDER BY car_key, pit_lap
            """
        try db.statement("latest_simulation_options", options).bind([.integer(found.computedMs)]).query { r in
            found.options.append(StoreRows.strategyOutcome(r))
        }
        return found
    }

    public func weather(since timeMs: Int64) throws -> [WeatherSample] {
        var samples: [WeatherSample] = []
        let sql = """
            SELECT time_ms, air_temp_c, track_temp_c, humidity_pct, pressure_hpa, wind_speed_kph, wind_direction_deg,
              rain
            FROM weather WHERE time_ms >= ? ORDER BY time_ms
            """
        try db.statement("weather_since", sql).bind([.integer(timeMs)]).query { r in
            samples.append(
                WeatherSample(
                    timeMs: r.int64(0) ?? 0, airTempC: r.double(1), trackTempC: r.double(2), humidityPct: r.double(3),
                    pressureHPa: r.double(4), windSpeedKph: r.double(5), windDirectionDeg: r.double(6),
                    rain: r.int(7) == 1))
        }
        return samples
    }

    public func laps(since timeMs: Int64) throws -> [LapRecord] {
        var laps: [LapRecord] = []
        let sql = """
            SELECT vehicle_id, car_number, lap, lap_time_ms, crossed_ms, s1_ms, s2_ms, s3_ms, top_speed_kph,
              avg_speed_kph, elapsed_ms, flag, pit_in, pit_time_ms, source
            FROM laps WHERE crossed_ms >= ? ORDER BY car_key, source, lap
            """
        try db.statement("laps_since", sql).bind([.integer(timeMs)]).query { r in
            laps.append(
                LapRecord(
                    vehicleID: r.string(0) ?? "", carNumber: r.int(1), lap: r.int(2) ?? 0, lapTimeMs: r.int64(3),
                    crossedMs: r.int64(4) ?? 0, s1Ms: r.int64(5), s2Ms: r.int64(6), s3Ms: r.int64(7),
                    topSpeedKph: r.double(8), avgSpeedKph: r.double(9), elapsedMs: r.int64(10),
                    flag: r.string(11) ?? "", pitIn: r.int(12) == 1, pitTimeMs: r.int64(13),
                    source: LapRecord.Source(rawValue: r.string(14) ?? "") ?? .analysis))
        }
        return laps
    }
}

/// The pit wall's view of alerts (`roadsense ctl alerts` and `ctl ack`) and what the alert rules read back.
extension SQLiteRaceStore {
    public func alertRecords(openOnly: Bool, carNumber: Int?) throws -> [AlertRecord] {
        var records: [AlertRecord] = []
        // Conditions are left out rather than bound as NULL, so the SQL stays plain for PostgreSQL too.
        var conditions: [String] = []
        if openOnly { conditions.append("acknowledged_ms IS NULL") }
        if carNumber != nil { conditions.append("car_number = ?") }
        let sql = """
            SELECT alert_id, vehicle_id, car_number, rule, severity, message, last_raised_ms, lap, value,
              threshold, channel, first_raised_ms, times_seen, acknowledged_ms, ack_note
            FROM alerts \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY last_raised_ms DESC, alert_id
            """
        let name = "alert_records\(openOnly ? "_open" : "")\(carNumber == nil ? "" : "_car")"
        let values: [SQLiteValue?] = carNumber.map { [.integer(Int64($0))] } ?? []
        try db.statement(name, sql).bind(values).query { r in
            let alert = Alert(
                alertID: r.string(0) ?? "", vehicleID: r.string(1) ?? "", carNumber: r.int(2),
                rule: r.string(3) ?? "", severity: Severity(rawValue: r.int(4) ?? 1) ?? .info,
                message: r.string(5) ?? "", raisedMs: r.int64(6) ?? 0, lap: r.int(7) ?? 0, value: r.double(8),
                threshold: r.double(9), channel: r.string(10) ?? "")
            records.append(
                AlertRecord(
                    alert: alert, firstRaisedMs: r.int64(11) ?? 0, lastRaisedMs: r.int64(6) ?? 0,
                    timesSeen: r.int(12) ?? 0, acknowledgedMs: r.int64(13), ackNote: r.string(14)))
        }
        return records
    }

    public func acknowledgeAlert(id: String, note: String?, nowMs: Int64) throws -> Bool {
        let sql = """
            UPDATE alerts SET acknowledged_ms = COALESCE(acknowledged_ms, ?), ack_note = COALESCE(?, ack_note)
            WHERE alert_id = ?
            """
        return try db.transaction {
            try db.statement("acknowledge_alert", sql).bind([.integer(nowMs), note.map { .text($0) }, .text(id)])
                .run()
            let changed = db.changes
            rowsWritten += changed
            return changed > 0
        }
    }
}
