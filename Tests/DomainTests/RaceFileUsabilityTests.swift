import Foundation
import Testing

@testable import RaceDomain

/// `RaceData+Files`: an empty, header-only or missing file is left out the same way (counted when it exists);
/// only missing lap timing stops the race. Checked on copies of the committed barber R1 excerpt.
@Suite("Race files: essential and optional")
struct RaceFileUsabilityTests {
    enum Damage: String, CaseIterable {
        case empty, headerOnly, missing
    }

    /// A copy of the excerpt with the files whose names start with `prefixes` damaged.
    private func excerpt(damaging prefixes: [String], _ damage: Damage) throws -> URL {
        let manager = FileManager.default
        let directory = manager.temporaryDirectory.appendingPathComponent("usability-\(UUID().uuidString)")
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: TestData.excerpt.path) {
            let target = directory.appendingPathComponent(name)
            try manager.copyItem(at: TestData.excerpt(name), to: target)
            guard prefixes.contains(where: { name.hasPrefix($0) }) else { continue }
            switch damage {
            case .empty: try Data().write(to: target)
            case .headerOnly:
                let text = try String(contentsOf: target, encoding: .utf8)
                let header = text.prefix { $0 != "\n" && $0 != "\r\n" }
                try Data((header + "\n").utf8).write(to: target)
            case .missing: try manager.removeItem(at: target)
            }
        }
        return directory
    }

    private func load(_ directory: URL) throws -> (RaceData, RowIssueLedger) {
        let ledger = RowIssueLedger()
        return (try RaceData.load(RaceFiles.locate(directory: directory, race: 1), ledger: ledger), ledger)
    }

    /// File-level ledger rows (bad file, header only).
    private func fileIssues(_ ledger: RowIssueLedger) -> [BadRowCount] {
        ledger.counts.filter { $0.reason == RaceData.badFileReason || $0.reason == RaceData.headerOnlyReason }
    }

    @Test(
        "an empty, header-only or missing optional file leaves the rest of the race as it was",
        arguments: [
            ("26_", "weather"), ("R1_barber_lap_start", "lap_start"), ("R1_barber_lap_time", "lap_time"),
            ("05_", "results_by_class"), ("99_", "best_laps"),
        ], Damage.allCases)
    func optionalFile(file: (prefix: String, kind: String), damage: Damage) throws {
        let (prefix, kind) = file
        let (baseline, _) = try load(TestData.excerpt)
        let (data, ledger) = try load(try excerpt(damaging: [prefix], damage))

        #expect(data.laps == baseline.laps && data.laps.count == 132)
        #expect(data.lapEnds == baseline.lapEnds)
        #expect(data.carByVehicle == baseline.carByVehicle)
        if kind != "weather" { #expect(data.weather == baseline.weather) }
        let issues = fileIssues(ledger)
        switch damage {
        case .missing:
            #expect(issues.isEmpty)
        case .empty:
            #expect(issues.count == 1 && issues.first?.kind == kind && issues.first?.reason == RaceData.badFileReason)
            #expect(issues.first?.example?.contains("[bad_header] file is empty") == true, "\(issues)")
            #expect(issues.first?.file.hasPrefix(prefix) == true)
        case .headerOnly:
            #expect(issues.count == 1 && issues.first?.kind == kind)
            #expect(issues.first?.reason == RaceData.headerOnlyReason)
        }
    }

    @Test(
        "an unusable timing sheet is left out like a missing one: the race runs on lap_end", arguments: Damage.allCases)
    func analysisOnly(damage: Damage) throws {
        let (baseline, _) = try load(TestData.excerpt)
        let (data, ledger) = try load(try excerpt(damaging: ["23_"], damage))
        #expect(data.analysisLaps.isEmpty && data.laps.isEmpty)
        #expect(data.lapEnds == baseline.lapEnds && !data.lapEnds.isEmpty)
        #expect(fileIssues(ledger).map(\.kind) == (damage == .missing ? [] : ["analysis"]))
    }

    @Test("without lap timing (analysis and lap_end both unusable) there is no race: noLapTiming names both")
    func noLapTiming() throws {
        for damage in Damage.allCases {
            let directory = try excerpt(damaging: ["23_", "R1_barber_lap_end"], damage)
            if damage == .missing {
                // Neither file at all: the folder is not a race (RaceFiles.locate says so first).
                #expect(throws: TRDError.self) { try RaceFiles.locate(directory: directory, race: 1) }
                continue
            }
            let error = try #require(throws: TRDError.self) { try load(directory) }
            #expect(error.code == .noLapTiming)
            #expect(error.reason.contains("23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"))
            #expect(error.reason.contains("R1_barber_lap_end.csv"))
            #expect(error.reason.contains(damage == .empty ? "file is empty" : "header and no data rows"))
        }
    }

    @Test("a weather file without TIME_UTC_SECONDS is a bad file naming the column; the race is kept")
    func weatherWithoutTimeColumn() throws {
        let directory = try excerpt(damaging: [], .missing)
        let weather = directory.appendingPathComponent("26_Weather_Race 1_Anonymized.CSV")
        try Data("TIME;AIR_TEMP\n1;2\n".utf8).write(to: weather)
        let (data, ledger) = try load(directory)
        #expect(data.weather.isEmpty && data.laps.count == 132)
        let issue = try #require(fileIssues(ledger).first)
        #expect(issue.reason == RaceData.badFileReason)
        #expect(issue.example?.contains("header lacks column 'TIME_UTC_SECONDS'") == true, "\(issue)")
    }
}
