import RaceDomain

/// What the periodic jobs write: alert acknowledgement, reports and simulations — the
/// same statements as the SQLite store (`SQLiteRaceStore+Jobs.swift`), with PostgreSQL's `$n` parameters.
extension PostgresRaceStore {
    /// Runs one counted write statement.
    private func change(_ name: String, _ sql: String, _ values: [StoreValue?]) throws -> Int {
        let changed = try withConnection { try $0.run(name, sql, values) }
        rowsWritten += changed
        return changed
    }

    public func acknowledgeAlerts(lastRaisedBefore timeMs: Int64, nowMs: Int64) throws -> Int {
        try change(
            "acknowledge_stale_alerts",
            "UPDATE alerts SET acknowledged_ms = $1 WHERE acknowledged_ms IS NULL AND last_raised_ms < $2",
            [.integer(nowMs), .integer(timeMs)])
    }

    public func acknowledgedAlerts() throws -> [String: Int64] {
        var acknowledged: [String: Int64] = [:]
        try withConnection { connection in
            try connection.run(
                "acknowledged_alerts", "SELECT alert_id, acknowledged_ms FROM alerts WHERE acknowledged_ms IS NOT NULL"
            ) { acknowledged[$0.string(0) ?? ""] = $0.int64(1) ?? 0 }
        }
        return acknowledged
    }

    public func upsertReport(_ report: AnalyticsReport) throws {
        try transaction { _ in
            let w = report.weather
            try upsert(
                [report], name: "upsert_report",
                sql: """
                    INSERT INTO reports (kind, generated_ms, summary, air_temp_c, track_temp_c,
                      humidity_pct, wind_speed_kph, rain, weather_ms, pressure_hpa, wind_direction_deg,
                      weather_samples, rain_seen, air_trend_c_per_hour, track_trend_c_per_hour)
                    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
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
                      median_green_lap_ms, position) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
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
            try upsert(
                report.cars.compactMap(\.pace), name: "upsert_report_car_pace",
                sql: ReportFigureRows.upsertPace(.postgres)
            ) { ReportFigureRows.paceValues(report, $0) }
            try upsert(
                report.cars.compactMap(\.gap), name: "upsert_report_car_gap", sql: ReportFigureRows.upsertGap(.postgres)
            ) { ReportFigureRows.gapValues(report, $0) }
        }
    }

    public func latestReport(kind: String) throws -> AnalyticsReport? {
        var report: AnalyticsReport?
        try withConnection { connection in
            try connection.run(
                "latest_report",
                """
                SELECT generated_ms, summary, air_temp_c, track_temp_c, humidity_pct, wind_speed_kph, rain, weather_ms,
                  pressure_hpa, wind_direction_deg, weather_samples, rain_seen, air_trend_c_per_hour,
                  track_trend_c_per_hour
                FROM reports WHERE kind = $1 ORDER BY generated_ms DESC LIMIT 1
                """, [.text(kind)]
            ) { r in
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
            guard let generated = report?.generatedMs else { return }
            try connection.run(
                "latest_report_cars",
                """
                SELECT vehicle_id, car_number, laps_completed, best_lap_ms, best_lap_number, theoretical_best_ms,
                  top_speed_kph, median_green_lap_ms, position
                FROM report_cars WHERE kind = $1 AND generated_ms = $2 ORDER BY coalesce(position, 1000000), car_key
                """, [.text(kind), .integer(generated)]
            ) { r in
                report?.cars.append(
                    CarPerformance(
                        vehicleID: r.string(0) ?? "", carNumber: r.int(1), lapsCompleted: r.int(2) ?? 0,
                        bestLapMs: r.int64(3), bestLapNumber: r.int(4), theoreticalBestMs: r.int64(5),
                        topSpeedKph: r.double(6), medianGreenLapMs: r.int64(7), position: r.int(8)))
            }

            // The pace and gap figures of those cars.
            let keys: [StoreValue?] = [.text(kind), .integer(generated)]
            var paces: [CarPace] = []
            try connection.run("report_car_paces", ReportFigureRows.selectPaces(.postgres), keys) {
                paces.append(ReportFigureRows.pace($0))
            }
            var gaps: [CompetitorGap] = []
            try connection.run("report_car_gaps", ReportFigureRows.selectGaps(.postgres), keys) {
                gaps.append(ReportFigureRows.gap($0))
            }
            if report != nil { ReportFigureRows.attach(paces: paces, gaps: gaps, to: &report!) }
        }
        return report
    }

    public func upsertSimulation(_ batch: SimulationBatch) throws {
        try upsert(
            batch.cars, name: "upsert_simulation",
            sql: """
                INSERT INTO simulations (computed_ms, car_key, vehicle_id, car_number, current_position,
                  expected_position, win_probability, podium_probability, iterations, seed, laps_remaining,
                  position_counts, races_simulated, runs_per_second, model)
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
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
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
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
        try withConnection { connection in
            try connection.run(
                "latest_simulation",
                """
                SELECT computed_ms, vehicle_id, car_number, current_position, expected_position, win_probability,
                  podium_probability, iterations, seed, laps_remaining, position_counts, races_simulated,
                  runs_per_second, model
                FROM simulations WHERE computed_ms = (SELECT max(computed_ms) FROM simulations)
                ORDER BY current_position, car_key
                """
            ) { r in
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
                        podiumProbability: r.double(6) ?? 0,
                        positionCounts: StoreRows.counts(json: r.string(10) ?? "[]")))
            }
            guard let computedMs = batch?.computedMs else { return }
            try connection.run(
                "latest_simulation_options",
                """
                SELECT vehicle_id, car_number, pit_lap, pit_loss_ms, expected_gain_ms, expected_position,
                  win_probability, podium_probability, position_counts
                FROM simulation_options WHERE computed_ms = $1 ORDER BY car_key COLLATE "C", pit_lap
                """, [.integer(computedMs)]
            ) { r in batch?.options.append(StoreRows.strategyOutcome(r)) }
        }
        return batch
    }

    public func weather(since timeMs: Int64) throws -> [WeatherSample] {
        var samples: [WeatherSample] = []
        try withConnection { connection in
            try connection.run(
                "weather_since", "SELECT \(StoreRows.weatherColumns) FROM weather WHERE time_ms >= $1 ORDER BY time_ms",
                [.integer(timeMs)]
            ) { samples.append(StoreRows.weather($0)) }
        }
        return samples
    }

    public func laps(since timeMs: Int64) throws -> [LapRecord] {
        var laps: [LapRecord] = []
        try withConnection { connection in
            try connection.run(
                "laps_since",
                "SELECT \(StoreRows.lapSelect) FROM laps WHERE crossed_ms >= $1 ORDER BY car_key, source, lap",
                [.integer(timeMs)]
            ) { laps.append(StoreRows.lap($0)) }
        }
        return laps
    }
}
