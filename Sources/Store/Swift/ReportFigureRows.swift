import RaceDomain

/// The per-car figures of analytics reports in both dialects: a performance report's `CarPace` rows in
/// `report_car_paces`, a competitor report's `CompetitorGap` rows in `report_car_gaps` (both keyed like
/// `report_cars`), and a weather report's `WeatherConditions` in the `reports` row. The SQL differs only in
/// its parameter markers (`?` or `$n`).
enum ReportFigureRows {
    static func markers(_ count: Int, _ dialect: StoreDialect) -> String {
        (1...count).map { dialect == .sqlite ? "?" : "$\($0)" }.joined(separator: ",")
    }

    static func upsertPace(_ dialect: StoreDialect) -> String {
        """
        INSERT INTO report_car_paces (kind, generated_ms, car_key, vehicle_id, car_number, laps_completed,
          best_lap_ms, best_lap_number, best_s1_ms, best_s2_ms, best_s3_ms, theoretical_best_ms, s1_delta_ms,
          s2_delta_ms, s3_delta_ms, clean_laps, mean_clean_lap_ms, consistency_ms, top_speed_kph, green_laps,
          caution_laps, pit_laps) VALUES (\(markers(22, dialect)))
        ON CONFLICT (kind, generated_ms, car_key) DO UPDATE SET vehicle_id=excluded.vehicle_id,
          car_number=excluded.car_number, laps_completed=excluded.laps_completed,
          best_lap_ms=excluded.best_lap_ms, best_lap_number=excluded.best_lap_number,
          best_s1_ms=excluded.best_s1_ms, best_s2_ms=excluded.best_s2_ms, best_s3_ms=excluded.best_s3_ms,
          theoretical_best_ms=excluded.theoretical_best_ms, s1_delta_ms=excluded.s1_delta_ms,
          s2_delta_ms=excluded.s2_delta_ms, s3_delta_ms=excluded.s3_delta_ms, clean_laps=excluded.clean_laps,
          mean_clean_lap_ms=excluded.mean_clean_lap_ms, consistency_ms=excluded.consistency_ms,
          top_speed_kph=excluded.top_speed_kph, green_laps=excluded.green_laps,
          caution_laps=excluded.caution_laps, pit_laps=excluded.pit_laps
        """
    }

    static func paceValues(_ report: AnalyticsReport, _ p: CarPace) -> [StoreValue?] {
        [
            .text(report.kind), .integer(report.generatedMs), .text(p.carKey), .text(p.vehicleID), .int(p.carNumber),
            .integer(Int64(p.lapsCompleted)), .int64(p.bestLapMs), .int(p.bestLapNumber), .int64(p.bestS1Ms),
            .int64(p.bestS2Ms), .int64(p.bestS3Ms), .int64(p.theoreticalBestMs), .int64(p.s1DeltaMs),
            .int64(p.s2DeltaMs), .int64(p.s3DeltaMs), .integer(Int64(p.cleanLaps)), .int64(p.meanCleanLapMs),
            .int64(p.consistencyMs), .double(p.topSpeedKph), .integer(Int64(p.greenLaps)),
            .integer(Int64(p.cautionLaps)), .text(p.pitLaps.map(String.init).joined(separator: ",")),
        ]
    }

    static func selectPaces(_ dialect: StoreDialect) -> String {
        """
        SELECT car_key, vehicle_id, car_number, laps_completed, best_lap_ms, best_lap_number, best_s1_ms,
          best_s2_ms, best_s3_ms, theoretical_best_ms, s1_delta_ms, s2_delta_ms, s3_delta_ms, clean_laps,
          mean_clean_lap_ms, consistency_ms, top_speed_kph, green_laps, caution_laps, pit_laps
        FROM report_car_paces WHERE kind = \(dialect == .sqlite ? "?" : "$1")
          AND generated_ms = \(dialect == .sqlite ? "?" : "$2")
        """
    }

    static func pace(_ r: some StoreRow) -> CarPace {
        var pace = CarPace(carKey: r.string(0) ?? "", laps: [])
        (pace.vehicleID, pace.carNumber, pace.lapsCompleted) = (r.string(1) ?? "", r.int(2), r.int(3) ?? 0)
        (pace.bestLapMs, pace.bestLapNumber) = (r.int64(4), r.int(5))
        (pace.bestS1Ms, pace.bestS2Ms, pace.bestS3Ms) = (r.int64(6), r.int64(7), r.int64(8))
        pace.theoreticalBestMs = r.int64(9)
        (pace.s1DeltaMs, pace.s2DeltaMs, pace.s3DeltaMs) = (r.int64(10), r.int64(11), r.int64(12))
        (pace.cleanLaps, pace.meanCleanLapMs, pace.consistencyMs) = (r.int(13) ?? 0, r.int64(14), r.int64(15))
        (pace.topSpeedKph, pace.greenLaps, pace.cautionLaps) = (r.double(16), r.int(17) ?? 0, r.int(18) ?? 0)
        pace.pitLaps = (r.string(19) ?? "").split(separator: ",").compactMap { Int($0) }
        return pace
    }

    static func upsertGap(_ dialect: StoreDialect) -> String {
        """
        INSERT INTO report_car_gaps (kind, generated_ms, car_key, vehicle_id, car_number, position,
          laps_completed, laps_behind_leader, gap_to_leader_ms, car_ahead, laps_behind_ahead, gap_to_ahead_ms,
          pace_ms, closing_ms_per_lap, laps_to_contact, undercut_threat_from, overcut_threat_from)
        VALUES (\(markers(17, dialect)))
        ON CONFLICT (kind, generated_ms, car_key) DO UPDATE SET vehicle_id=excluded.vehicle_id,
          car_number=excluded.car_number, position=excluded.position, laps_completed=excluded.laps_completed,
          laps_behind_leader=excluded.laps_behind_leader, gap_to_leader_ms=excluded.gap_to_leader_ms,
          car_ahead=excluded.car_ahead, laps_behind_ahead=excluded.laps_behind_ahead,
          gap_to_ahead_ms=excluded.gap_to_ahead_ms, pace_ms=excluded.pace_ms,
          closing_ms_per_lap=excluded.closing_ms_per_lap, laps_to_contact=excluded.laps_to_contact,
          undercut_threat_from=excluded.undercut_threat_from, overcut_threat_from=excluded.overcut_threat_from
        """
    }

    static func gapValues(_ report: AnalyticsReport, _ g: CompetitorGap) -> [StoreValue?] {
        [
            .text(report.kind), .integer(report.generatedMs), .text(g.carKey), .text(g.vehicleID), .int(g.carNumber),
            .int(g.position), .int(g.lapsCompleted), .int(g.lapsBehindLeader), .int64(g.gapToLeaderMs),
            .string(g.carAhead), .int(g.lapsBehindAhead), .int64(g.gapToAheadMs), .int64(g.paceMs),
            .int64(g.closingOnAheadMsPerLap), .double(g.lapsToContact), .string(g.undercutThreatFrom),
            .string(g.overcutThreatFrom),
        ]
    }

    static func selectGaps(_ dialect: StoreDialect) -> String {
        """
        SELECT car_key, vehicle_id, car_number, position, laps_completed, laps_behind_leader, gap_to_leader_ms,
          car_ahead, laps_behind_ahead, gap_to_ahead_ms, pace_ms, closing_ms_per_lap, laps_to_contact,
          undercut_threat_from, overcut_threat_from
        FROM report_car_gaps WHERE kind = \(dialect == .sqlite ? "?" : "$1")
          AND generated_ms = \(dialect == .sqlite ? "?" : "$2")
        """
    }

    static func gap(_ r: some StoreRow) -> CompetitorGap {
        var gap = CompetitorGap(
            carKey: r.string(0) ?? "", vehicleID: r.string(1) ?? "", carNumber: r.int(2), position: r.int(3) ?? 0,
            lapsCompleted: r.int(4) ?? 0)
        (gap.lapsBehindLeader, gap.gapToLeaderMs, gap.carAhead) = (r.int(5) ?? 0, r.int64(6), r.string(7))
        (gap.lapsBehindAhead, gap.gapToAheadMs, gap.paceMs) = (r.int(8) ?? 0, r.int64(9), r.int64(10))
        (gap.closingOnAheadMsPerLap, gap.lapsToContact) = (r.int64(11), r.double(12))
        (gap.undercutThreatFrom, gap.overcutThreatFrom) = (r.string(13), r.string(14))
        return gap
    }

    /// Attaches each pace and gap to the report car with the same key.
    static func attach(paces: [CarPace], gaps: [CompetitorGap], to report: inout AnalyticsReport) {
        let paceByKey = Dictionary(paces.map { ($0.carKey, $0) }, uniquingKeysWith: { _, last in last })
        let gapByKey = Dictionary(gaps.map { ($0.carKey, $0) }, uniquingKeysWith: { _, last in last })
        for index in report.cars.indices {
            let key = CarKey.of(vehicleID: report.cars[index].vehicleID, carNumber: report.cars[index].carNumber)
            report.cars[index].pace = paceByKey[key]
            report.cars[index].gap = gapByKey[key]
        }
    }

    /// The conditions columns of a `reports` row (written since migration 6; their sample count is set),
    /// completed by the weather sample read from the same row.
    static func conditions(_ weather: WeatherSample?, samples: Int?, rainSeen: Int?, trends: (Double?, Double?))
        -> WeatherConditions?
    {
        guard let w = weather, let samples else { return nil }
        var conditions = WeatherConditions(timeMs: w.timeMs, samples: samples)
        (conditions.airTempC, conditions.trackTempC, conditions.humidityPct) = (w.airTempC, w.trackTempC, w.humidityPct)
        (conditions.pressureHPa, conditions.windSpeedKph, conditions.windDirectionDeg) =
            (w.pressureHPa, w.windSpeedKph, w.windDirectionDeg)
        (conditions.raining, conditions.rainSeen) = (w.rain, rainSeen == 1)
        (conditions.airTempTrendCPerHour, conditions.trackTempTrendCPerHour) = trends
        return conditions
    }
}
