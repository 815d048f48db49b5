import Foundation
/// Read queries both dialects run unchanged (no parameters, standard SQL).
enum StoreQueries {
    /// The newest state of each car, in `StoreRows.carState(_:)` column order.
    static let latestCarStates = """
        SELECT s.vehicle_id, s.time_ms, s.car_number, s.lap, s.lap_distance_m, s.speed_kph, s.throttle_pct,
          s.brake_front_bar, s.brake_rear_bar, s.gear, s.rpm, s.accel_long_g, s.accel_lat_g, s.samples,
          s.last_lap_ms, s.best_lap_ms, s.position, s.laps_completed, s.max_speed_kph, s.finished
        FROM car_states s
        JOIN (SELECT car_key, max(time_ms) AS t FROM car_states GROUP BY car_key) m
          ON m.car_key = s.car_key AND m.t = s.time_ms
        ORDER BY s.car_key
        """

    /// The newest prediction of each car, in `StoreRows.prediction(_:)` column order.
    static let latestPredictions = """
        SELECT \(StoreRows.predictionColumns.split(separator: ",").dropFirst().map {
            "p." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }.joined(separator: ", "))
        FROM predictions p
        JOIN (SELECT car_key, max(computed_ms) AS t FROM predictions GROUP BY car_key) m
          ON m.car_key = p.car_key AND m.t = p.computed_ms
        ORDER BY p.car_key
        """
}
