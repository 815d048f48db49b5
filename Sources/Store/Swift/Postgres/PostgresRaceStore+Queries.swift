import RaceDomain

extension PostgresRaceStore {
    public func count(_ table: StoreTable) throws -> Int {
        var total = 0
        try withConnection { connection in
            try connection.run("count_\(table.rawValue)", "SELECT count(*) FROM \(table.rawValue)") {
                total = $0.int(0) ?? 0
            }
        }
        return total
    }

    public func laps(carKey: String) throws -> [LapRecord] {
        try select(
            "laps_by_car", "SELECT \(StoreRows.lapSelect) FROM laps WHERE car_key = $1 ORDER BY source, lap",
            [.text(carKey)], StoreRows.lap)
    }

    public func latestCarStates() throws -> [CarState] {
        try select("latest_car_states", StoreQueries.latestCarStates, [], StoreRows.carState)
    }

    public func latestPredictions() throws -> [StrategyPrediction] {
        try select("latest_predictions", StoreQueries.latestPredictions, [], StoreRows.prediction)
    }

    public func weather() throws -> [WeatherSample] {
        try select(
            "all_weather", "SELECT \(StoreRows.weatherColumns) FROM weather ORDER BY time_ms", [], StoreRows.weather)
    }

    public func alerts() throws -> [Alert] {
        try select(
            "all_alerts", "SELECT \(StoreRows.alertSelect) FROM alerts ORDER BY first_raised_ms, alert_id", [],
            StoreRows.alert)
    }

    private func select<T>(_ name: String, _ sql: String, _ values: [StoreValue?], _ decode: (PostgresRow) -> T)
        throws -> [T]
    {
        var rows: [T] = []
        try withConnection { connection in try connection.run(name, sql, values) { rows.append(decode($0)) } }
        return rows
    }
}
