import RaceDomain

extension SQLiteRaceStore {
    public func count(_ table: StoreTable) throws -> Int {
        var total = 0
        try db.statement("count_\(table.rawValue)", "SELECT count(*) FROM \(table.rawValue)").query { row in
            total = row.int(0) ?? 0
        }
        return total
    }

    public func laps(carKey: String) throws -> [LapRecord] {
        var laps: [LapRecord] = []
        let sql = """
            SELECT vehicle_id, car_number, lap, lap_time_ms, crossed_ms, s1_ms, s2_ms, s3_ms, top_speed_kph,
              avg_speed_kph, elapsed_ms, flag, pit_in, pit_time_ms, source
            FROM laps WHERE car_key = ? ORDER BY source, lap
            """
        try db.statement("laps_by_car", sql).bind([.text(carKey)]).query { r in
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

    public func latestCarStates() throws -> [CarState] {
        var states: [CarState] = []
        let sql = """
            SELECT s.vehicle_id, s.time_ms, s.car_number, s.lap, s.lap_distance_m, s.speed_kph, s.throttle_pct,
              s.brake_front_bar, s.brake_rear_bar, s.gear, s.rpm, s.accel_long_g, s.accel_lat_g, s.samples,
              s.last_lap_ms, s.best_lap_ms, s.position, s.laps_completed, s.max_speed_kph
            FROM car_states s
            JOIN (SELECT car_key, max(time_ms) AS t FROM car_states GROUP BY car_key) m
              ON m.car_key = s.car_key AND m.t = s.time_ms
            ORDER BY s.car_key
            """
        try db.statement("latest_car_states", sql).query { r in
            let frame = CarFrame(
                vehicleID: r.string(0) ?? "", carNumber: r.int(2), timeMs: r.int64(1) ?? 0, lap: r.int(3) ?? 0,
                lapDistanceM: r.double(4), speedKph: r.double(5), throttlePct: r.double(6),
                brakeFrontBar: r.double(7), brakeRearBar: r.double(8), gear: r.int(9), rpm: r.double(10),
                accelLongG: r.double(11), accelLatG: r.double(12))
            states.append(
                CarState(
                    frame: frame, samples: r.int(13) ?? 0, lastLapMs: r.int64(14), bestLapMs: r.int64(15),
                    position: r.int(16), lapsCompleted: r.int(17) ?? 0, maxSpeedKph: r.double(18)))
        }
        return states
    }

    public func latestPredictions() throws -> [StrategyPrediction] {
        var predictions: [StrategyPrediction] = []
        let sql = """
            SELECT p.vehicle_id, p.car_number, p.computed_ms, p.laps_completed, p.laps_remaining,
              p.degradation_ms_per_lap, p.degradation_stderr, p.predicted_next_lap_ms, p.pit_window_open_lap,
              p.pit_window_close_lap, p.confidence, p.clean_laps, p.model, p.rationale
            FROM predictions p
            JOIN (SELECT car_key, max(computed_ms) AS t FROM predictions GROUP BY car_key) m
              ON m.car_key = p.car_key AND m.t = p.computed_ms
            ORDER BY p.car_key
            """
        try db.statement("latest_predictions", sql).query { r in
            predictions.append(
                StrategyPrediction(
                    vehicleID: r.string(0) ?? "", carNumber: r.int(1), computedMs: r.int64(2) ?? 0,
                    lapsCompleted: r.int(3) ?? 0, lapsRemaining: r.int(4) ?? 0,
                    degradationMsPerLap: r.double(5) ?? 0, degradationStderr: r.double(6),
                    predictedNextLapMs: r.double(7) ?? 0, pitWindowOpenLap: r.int(8), pitWindowCloseLap: r.int(9),
                    confidence: r.double(10) ?? 0, cleanLaps: r.int(11) ?? 0, model: r.string(12) ?? "",
                    rationale: r.string(13) ?? ""))
        }
        return predictions
    }

    public func alerts() throws -> [Alert] {
        var alerts: [Alert] = []
        let sql = """
            SELECT alert_id, vehicle_id, car_number, rule, severity, message, first_raised_ms, lap, value,
              threshold, channel
            FROM alerts ORDER BY first_raised_ms, alert_id
            """
        try db.statement("all_alerts", sql).query { r in
            alerts.append(
                Alert(
                    alertID: r.string(0) ?? "", vehicleID: r.string(1) ?? "", carNumber: r.int(2),
                    rule: r.string(3) ?? "", severity: Severity(rawValue: r.int(4) ?? 1) ?? .info,
                    message: r.string(5) ?? "", raisedMs: r.int64(6) ?? 0, lap: r.int(7) ?? 0, value: r.double(8),
                    threshold: r.double(9), channel: r.string(10) ?? ""))
        }
        return alerts
    }
}
