import RaceDomain

/// The per-car figures of analytics reports (`ReportFigureRows`) in SQLite.
extension SQLiteRaceStore {
    /// Writes the pace and gap figures of `report`'s cars (inside `upsertReport`'s transaction).
    func upsertFigures(of report: AnalyticsReport) throws {
        try upsert(
            report.cars.compactMap(\.pace), name: "upsert_report_car_pace", sql: ReportFigureRows.upsertPace(.sqlite)
        ) {
            ReportFigureRows.paceValues(report, $0)
        }
        try upsert(
            report.cars.compactMap(\.gap), name: "upsert_report_car_gap", sql: ReportFigureRows.upsertGap(.sqlite)
        ) {
            ReportFigureRows.gapValues(report, $0)
        }
    }

    /// Reads back the pace and gap figures of `report`'s cars and attaches each to its car.
    func attachFigures(to report: inout AnalyticsReport) throws {
        let keys: [StoreValue?] = [.text(report.kind), .integer(report.generatedMs)]
        var paces: [CarPace] = []
        try db.statement("report_car_paces", ReportFigureRows.selectPaces(.sqlite)).bind(keys).query {
            paces.append(ReportFigureRows.pace($0))
        }
        var gaps: [CompetitorGap] = []
        try db.statement("report_car_gaps", ReportFigureRows.selectGaps(.sqlite)).bind(keys).query {
            gaps.append(ReportFigureRows.gap($0))
        }
        ReportFigureRows.attach(paces: paces, gaps: gaps, to: &report)
    }
}
