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
        let sql = "SELECT \(StoreRows.lapSelect) FROM laps WHERE car_key = ? ORDER BY source, lap"
        try db.statement("laps_by_car", sql).bind([.text(carKey)]).query { laps.append(StoreRows.lap($0)) }
        return laps
    }

    public func latestCarStates() throws -> [CarState] {
        var states: [CarState] = []
        try db.statement("latest_car_states", StoreQueries.latestCarStates).query {
            states.append(StoreRows.carState($0))
        }
        return states
    }

    public func latestPredictions() throws -> [StrategyPrediction] {
        var predictions: [StrategyPrediction] = []
        try db.statement("latest_predictions", StoreQueries.latestPredictions).query {
            predictions.append(StoreRows.prediction($0))
        }
        return predictions
    }

    public func weather() throws -> [WeatherSample] {
        var samples: [WeatherSample] = []
        let sql = "SELECT \(StoreRows.weatherColumns) FROM weather ORDER BY time_ms"
        try db.statement("all_weather", sql).query { samples.append(StoreRows.weather($0)) }
        return samples
    }

    public func alerts() throws -> [Alert] {
        var alerts: [Alert] = []
        let sql = "SELECT \(StoreRows.alertSelect) FROM alerts ORDER BY first_raised_ms, alert_id"
        try db.statement("all_alerts", sql).query { alerts.append(StoreRows.alert($0)) }
        return alerts
    }
}
