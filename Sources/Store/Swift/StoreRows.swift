import Foundation
import RaceDomain

/// How each domain value becomes a table row and back, shared by both stores so that SQLite and PostgreSQL
/// hold the same values in the same columns. Column orders match the `…Columns` lists.
enum StoreRows {
    /// The stored columns of `car_frames`; `vehicle` is the car's `vehicles.id`.
    static let frameColumns = """
        vehicle, ecu_time_ms, time_ms, car_number, lap, lap_distance_m, speed_kph, throttle_pct,
        brake_front_bar, brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, steering_deg, latitude_deg,
        longitude_deg
        """

    /// A frame read back with its text vehicle id, from `frameSource` (`f`: the frame, `v`: its vehicle).
    static let frameSelect = """
        v.vehicle_id, f.ecu_time_ms, f.time_ms, f.car_number, f.lap, f.lap_distance_m, f.speed_kph,
        f.throttle_pct, f.brake_front_bar, f.brake_rear_bar, f.gear, f.rpm, f.accel_long_g, f.accel_lat_g,
        f.steering_deg, f.latitude_deg, f.longitude_deg
        """

    static let frameSource = "car_frames f JOIN vehicles v ON v.id = f.vehicle"

    /// The row of `frameColumns` for a frame of the vehicle stored as `vehicle`.
    static func frame(_ f: CarFrame, vehicle: Int64) -> [StoreValue?] {
        [
            .integer(vehicle), .integer(f.ecuTimeMs ?? f.timeMs), .integer(f.timeMs), .int(f.carNumber),
            .integer(Int64(f.lap)), .double(f.lapDistanceM), .double(f.speedKph), .double(f.throttlePct),
            .double(f.brakeFrontBar), .double(f.brakeRearBar), .int(f.gear), .double(f.rpm), .double(f.accelLongG),
            .double(f.accelLatG), .double(f.steeringDeg), .double(f.latitudeDeg), .double(f.longitudeDeg),
        ]
    }

    /// Reads `frameSelect`.
    static func frame(_ r: some StoreRow) -> CarFrame {
        CarFrame(
            vehicleID: r.string(0) ?? "", carNumber: r.int(3), timeMs: r.int64(2) ?? 0, lap: r.int(4) ?? 0,
            lapDistanceM: r.double(5), speedKph: r.double(6), throttlePct: r.double(7), brakeFrontBar: r.double(8),
            brakeRearBar: r.double(9), gear: r.int(10), rpm: r.double(11), accelLongG: r.double(12),
            accelLatG: r.double(13), steeringDeg: r.double(14), latitudeDeg: r.double(15),
            longitudeDeg: r.double(16), ecuTimeMs: r.int64(1))
    }

    static let carStateColumns = """
        car_key, vehicle_id, time_ms, car_number, lap, lap_distance_m, speed_kph, throttle_pct, brake_front_bar,
        brake_rear_bar, gear, rpm, accel_long_g, accel_lat_g, samples, last_lap_ms, best_lap_ms, position,
        laps_completed, max_speed_kph, finished
        """

    static func carState(_ s: CarState) -> [StoreValue?] {
        let f = s.frame
        return [
            .text(CarKey.of(vehicleID: f.vehicleID, carNumber: f.carNumber)), .text(f.vehicleID), .integer(f.timeMs),
            .int(f.carNumber), .integer(Int64(f.lap)), .double(f.lapDistanceM), .double(f.speedKph),
            .double(f.throttlePct), .double(f.brakeFrontBar), .double(f.brakeRearBar), .int(f.gear), .double(f.rpm),
            .double(f.accelLongG), .double(f.accelLatG), .integer(Int64(s.samples)), .int64(s.lastLapMs),
            .int64(s.bestLapMs), .int(s.position), .integer(Int64(s.lapsCompleted)), .double(s.maxSpeedKph),
            .bool(s.finished),
        ]
    }

    /// Reads `carStateColumns` without `car_key` (column 0 is `vehicle_id`).
    static func carState(_ r: some StoreRow) -> CarState {
        let frame = CarFrame(
            vehicleID: r.string(0) ?? "", carNumber: r.int(2), timeMs: r.int64(1) ?? 0, lap: r.int(3) ?? 0,
            lapDistanceM: r.double(4), speedKph: r.double(5), throttlePct: r.double(6), brakeFrontBar: r.double(7),
            brakeRearBar: r.double(8), gear: r.int(9), rpm: r.double(10), accelLongG: r.double(11),
            accelLatG: r.double(12))
        return CarState(
            frame: frame, samples: r.int(13) ?? 0, lastLapMs: r.int64(14), bestLapMs: r.int64(15),
            position: r.int(16), lapsCompleted: r.int(17) ?? 0, maxSpeedKph: r.double(18),
            finished: (r.int(19) ?? 0) != 0)
    }

    static let lapColumns = """
        car_key, lap, source, vehicle_id, car_number, lap_time_ms, crossed_ms, s1_ms, s2_ms, s3_ms, top_speed_kph,
        avg_speed_kph, elapsed_ms, flag, pit_in, pit_time_ms
        """

    static func lap(_ l: LapRecord) -> [StoreValue?] {
        [
            .text(CarKey.of(vehicleID: l.vehicleID, carNumber: l.carNumber)), .integer(Int64(l.lap)),
            .text(l.source.rawValue), .text(l.vehicleID), .int(l.carNumber), .int64(l.lapTimeMs),
            .integer(l.crossedMs), .int64(l.s1Ms), .int64(l.s2Ms), .int64(l.s3Ms), .double(l.topSpeedKph),
            .double(l.avgSpeedKph), .int64(l.elapsedMs), .text(l.flag), .bool(l.pitIn), .int64(l.pitTimeMs),
        ]
    }

    /// Reads the columns of `lapSelect`.
    static let lapSelect = """
        vehicle_id, car_number, lap, lap_time_ms, crossed_ms, s1_ms, s2_ms, s3_ms, top_speed_kph, avg_speed_kph,
        elapsed_ms, flag, pit_in, pit_time_ms, source
        """

    static func lap(_ r: some StoreRow) -> LapRecord {
        LapRecord(
            vehicleID: r.string(0) ?? "", carNumber: r.int(1), lap: r.int(2) ?? 0, lapTimeMs: r.int64(3),
            crossedMs: r.int64(4) ?? 0, s1Ms: r.int64(5), s2Ms: r.int64(6), s3Ms: r.int64(7),
            topSpeedKph: r.double(8), avgSpeedKph: r.double(9), elapsedMs: r.int64(10), flag: r.string(11) ?? "",
            pitIn: r.int(12) == 1, pitTimeMs: r.int64(13),
            source: LapRecord.Source(rawValue: r.string(14) ?? "") ?? .analysis)
    }

    static let weatherColumns = """
        time_ms, air_temp_c, track_temp_c, humidity_pct, pressure_hpa, wind_speed_kph, wind_direction_deg, rain
        """

    static func weather(_ w: WeatherSample) -> [StoreValue?] {
        [
            .integer(w.timeMs), .double(w.airTempC), .double(w.trackTempC), .double(w.humidityPct),
            .double(w.pressureHPa), .double(w.windSpeedKph), .double(w.windDirectionDeg), .bool(w.rain),
        ]
    }

    static func weather(_ r: some StoreRow) -> WeatherSample {
        WeatherSample(
            timeMs: r.int64(0) ?? 0, airTempC: r.double(1), trackTempC: r.double(2), humidityPct: r.double(3),
            pressureHPa: r.double(4), windSpeedKph: r.double(5), windDirectionDeg: r.double(6), rain: r.int(7) == 1)
    }

    static let predictionColumns = """
        car_key, computed_ms, vehicle_id, car_number, laps_completed, laps_remaining, degradation_ms_per_lap,
        degradation_stderr, predicted_next_lap_ms, pit_window_open_lap, pit_window_close_lap, confidence,
        clean_laps, model, rationale, next_lap_low_ms, next_lap_high_ms, forecasts, tyre_age_laps, pit_loss_ms,
        pit_loss_stops, caution_pit_loss_ms, best_stop_lap, best_stop_gain_ms, best_stop_low_ms, best_stop_high_ms,
        caution_stop_lap, caution_stop_gain_ms, caution_stop_low_ms, caution_stop_high_ms, caution_window_open_lap,
        caution_window_close_lap
        """

    /// `?,?,…` (SQLite) or `$1,$2,…` (PostgreSQL) for every column of `predictionColumns`.
    static func predictionPlaceholders(numbered: Bool) -> String {
        let count = predictionColumns.split(separator: ",").count
        return (1...count).map { numbered ? "$\($0)" : "?" }.joined(separator: ",")
    }

    static func prediction(_ p: StrategyPrediction) -> [StoreValue?] {
        func option(_ o: PitWindow.Option?) -> [StoreValue?] {
            [.int(o?.lap), .double(o?.expectedGainMs), .double(o?.lowMs), .double(o?.highMs)]
        }
        return [
            .text(CarKey.of(vehicleID: p.vehicleID, carNumber: p.carNumber)), .integer(p.computedMs),
            .text(p.vehicleID), .int(p.carNumber), .integer(Int64(p.lapsCompleted)), .integer(Int64(p.lapsRemaining)),
            .real(p.degradationMsPerLap), .double(p.degradationStderr), .real(p.predictedNextLapMs),
            .int(p.pitWindowOpenLap), .int(p.pitWindowCloseLap), .real(p.confidence), .integer(Int64(p.cleanLaps)),
            .text(p.model), .text(p.rationale), .double(p.nextLapLowMs), .double(p.nextLapHighMs),
            .text(forecastsJSON(p.forecasts)), .integer(Int64(p.tyreAgeLaps)), .double(p.pitLossMs),
            .integer(Int64(p.pitLossStops)), .double(p.cautionPitLossMs),
        ] + option(p.bestStop) + option(p.bestStopUnderCaution) + [
            .int(p.cautionWindowOpenLap), .int(p.cautionWindowCloseLap),
        ]
    }

    /// Reads `predictionColumns` without `car_key`.
    static func prediction(_ r: some StoreRow) -> StrategyPrediction {
        func option(_ at: Int32) -> PitWindow.Option? {
            r.int(at).map {
                PitWindow.Option(
                    lap: $0, expectedGainMs: r.double(at + 1) ?? 0, lowMs: r.double(at + 2) ?? 0,
                    highMs: r.double(at + 3) ?? 0)
            }
        }
        return StrategyPrediction(
            vehicleID: r.string(1) ?? "", carNumber: r.int(2), computedMs: r.int64(0) ?? 0,
            lapsCompleted: r.int(3) ?? 0, lapsRemaining: r.int(4) ?? 0, degradationMsPerLap: r.double(5) ?? 0,
            degradationStderr: r.double(6), predictedNextLapMs: r.double(7) ?? 0, pitWindowOpenLap: r.int(8),
            pitWindowCloseLap: r.int(9), confidence: r.double(10) ?? 0, cleanLaps: r.int(11) ?? 0,
            model: r.string(12) ?? "", rationale: r.string(13) ?? "", nextLapLowMs: r.double(14),
            nextLapHighMs: r.double(15), forecasts: forecasts(json: r.string(16) ?? "[]"), tyreAgeLaps: r.int(17) ?? 0,
            pitLossMs: r.double(18), pitLossStops: r.int(19) ?? 0, cautionPitLossMs: r.double(20), bestStop: option(21),
            bestStopUnderCaution: option(25), cautionWindowOpenLap: r.int(29), cautionWindowCloseLap: r.int(30))
    }

    /// The next laps as a JSON array of `{"lap", "horizon", "mean_ms", "low_ms", "high_ms"}`.
    static func forecastsJSON(_ forecasts: [LapForecast]) -> String {
        let rows = forecasts.map { forecast in
            "{\"lap\":\(forecast.lap),\"horizon\":\(forecast.horizon),\"mean_ms\":\(json(forecast.meanMs)),"
                + "\"low_ms\":\(json(forecast.lowMs)),\"high_ms\":\(json(forecast.highMs))}"
        }
        return "[" + rows.joined(separator: ",") + "]"
    }

    static func forecasts(json text: String) -> [LapForecast] {
        struct Row: Decodable {
            var lap: Int
            var horizon: Int
            var meanMs: Double
            var lowMs: Double
            var highMs: Double
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let rows = (try? decoder.decode([Row].self, from: Data(text.utf8))) ?? []
        return rows.map {
            LapForecast(lap: $0.lap, horizon: $0.horizon, meanMs: $0.meanMs, lowMs: $0.lowMs, highMs: $0.highMs)
        }
    }

    /// A finite double as JSON (Swift's shortest round-tripping form); NaN and infinities have none: `null`.
    static func json(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// A `simulation_options` row: vehicle_id, car_number, pit_lap, pit_loss_ms, expected_gain_ms, expected_position,
    /// win_probability, podium_probability, position_counts.
    static func strategyOutcome(_ r: some StoreRow) -> StrategyOutcome {
        StrategyOutcome(
            vehicleID: r.string(0) ?? "", carNumber: r.int(1), pitLap: r.int(2) ?? 0, pitLossMs: r.double(3) ?? 0,
            expectedGainMs: r.double(4) ?? 0, expectedPosition: r.double(5) ?? 0, winProbability: r.double(6) ?? 0,
            podiumProbability: r.double(7) ?? 0, positionCounts: counts(json: r.string(8) ?? "[]"))
    }

    /// Position counts as a JSON array, position 1 first.
    static func countsJSON(_ counts: [Int]) -> String { "[" + counts.map(String.init).joined(separator: ",") + "]" }

    static func counts(json text: String) -> [Int] {
        (try? JSONDecoder().decode([Int].self, from: Data(text.utf8))) ?? []
    }

    /// The inserted columns of an alert; `times_seen` starts at 1 and `resolved_ms` at NULL.
    static let alertColumns = """
        alert_id, vehicle_id, car_number, rule, severity, message, first_raised_ms, last_raised_ms, lap, value,
        threshold, channel
        """

    static func alert(_ a: Alert) -> [StoreValue?] {
        [
            .text(a.alertID), .text(a.vehicleID), .int(a.carNumber), .text(a.rule),
            .integer(Int64(a.severity.rawValue)),
            .text(a.message), .integer(a.raisedMs), .integer(a.raisedMs), .integer(Int64(a.lap)), .double(a.value),
            .double(a.threshold), .text(a.channel),
        ]
    }

    static let alertSelect = """
        alert_id, vehicle_id, car_number, rule, severity, message, first_raised_ms, lap, value, threshold, channel
        """

    static func alert(_ r: some StoreRow) -> Alert {
        Alert(
            alertID: r.string(0) ?? "", vehicleID: r.string(1) ?? "", carNumber: r.int(2), rule: r.string(3) ?? "",
            severity: Severity(rawValue: r.int(4) ?? 1) ?? .info, message: r.string(5) ?? "",
            raisedMs: r.int64(6) ?? 0, lap: r.int(7) ?? 0, value: r.double(8), threshold: r.double(9),
            channel: r.string(10) ?? "")
    }

    static let callColumns = """
        call_id, method, priority, attempt, state, enqueued_ms, finished_ms, status, message, worker, entry,
        payload, result, max_attempts, timeout_ms, expires_ms, not_before_ms, errors, owner
        """

    static func call(_ c: CallRecord) -> [StoreValue?] {
        let head: [StoreValue?] = [
            .text(c.callID), .text(c.method), .integer(Int64(c.priority)), .integer(Int64(c.attempt)),
            .text(c.state.rawValue), .integer(c.enqueuedMs), .int64(c.finishedMs), .string(c.status),
            .string(c.message), .string(c.worker), .text(c.entry), c.payload.map { .blob($0) },
            c.result.map { .blob($0) },
        ]
        let tail: [StoreValue?] = [
            .integer(Int64(c.maxAttempts)), .integer(c.timeoutMs), .int64(c.expiresMs), .integer(c.notBeforeMs),
            .text(joinErrors(c.errors)), .string(c.owner),
        ]
        return head + tail
    }

    static func call(_ r: some StoreRow) -> CallRecord {
        CallRecord(
            callID: r.string(0) ?? "", method: r.string(1) ?? "", priority: r.int(2) ?? 2, attempt: r.int(3) ?? 1,
            state: CallRecord.State(rawValue: r.string(4) ?? "") ?? .queued, enqueuedMs: r.int64(5) ?? 0,
            finishedMs: r.int64(6), status: r.string(7), message: r.string(8), worker: r.string(9),
            entry: r.string(10) ?? "", payload: r.blob(11), result: r.blob(12), maxAttempts: r.int(13) ?? 3,
            timeoutMs: r.int64(14) ?? 5000, expiresMs: r.int64(15), notBeforeMs: r.int64(16) ?? 0,
            errors: splitErrors(r.string(17)), owner: r.string(18))
    }

    static let deadLetterColumns = "call_id, method, entry, priority, attempts, errors, dead_ms, payload"

    static func deadLetter(_ r: some StoreRow) -> DeadLetter {
        DeadLetter(
            callID: r.string(0) ?? "", method: r.string(1) ?? "", entry: r.string(2) ?? "", priority: r.int(3) ?? 2,
            attempts: r.int(4) ?? 0, errors: splitErrors(r.string(5)), deadMs: r.int64(6) ?? 0, payload: r.blob(7))
    }

    /// Errors are stored one per line.
    static func joinErrors(_ errors: [String]) -> String {
        errors.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
    }

    static func splitErrors(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init)
    }
}
