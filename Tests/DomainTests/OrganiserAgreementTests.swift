import Foundation
import Testing

@testable import RaceDomain

/// RoadSense's race report checked against the organisers' own files for all 14 races in
/// `../shared/data/trd`: best laps against the `99_` best-10-laps file, laps and finishing order against
/// the results file RaceFiles picks (official > unqualified final > provisional), sector times against
/// the `23_` analysis file read here column by column.
///
/// Where the organisers' files disagree with each other, RoadSense follows the `23_` analysis file (the
/// only one with every lap, sector and flag) and the results file for positions; each disagreement is
/// listed below so that a new one fails the test.
@Suite("Race report agrees with the organisers")
struct OrganiserAgreementTests {
    struct Race: CustomTestStringConvertible, Hashable, Sendable {
        var track: String
        var number: Int
        var testDescription: String { "\(track) R\(number)" }
    }

    static let races: [Race] = ["barber", "cota", "indianapolis", "road-america", "sebring", "sonoma", "vir"]
        .flatMap { track in [1, 2].map { Race(track: track, number: $0) } }

    /// Cars whose best lap differs from `99_` BESTLAP_1 / BESTLAP_1_LAPNUM, and why.
    ///
    /// The rule "fastest lap from lap 2 on" matches every other car of every race, including the cars
    /// whose lap 1 was their fastest (indianapolis R1 31, R2 113; vir R1 98) and the 1-lap cars the
    /// `99_` file leaves without a best lap (cota R1 2, indianapolis R1 86, vir R1 89).
    static let bestLapExceptions: [Race: [String: String]] = [
        Race(track: "cota", number: 1): [
            "47":
                "lap 7 (2:29.690) is the fastest in 23_ but the organisers did not count it (nor lap 5); 99_, "
                + "the results FL_LAPNUM and 23_'s own LAP_IMPROVEMENT mark all say lap 10 (2:29.846). "
                + "Nothing else in 23_ marks the lap struck, so RoadSense reports lap 7 and shows the "
                + "organisers' figure beside it (resultsBestLapMs) with a note"
        ]
    ]

    /// Time penalties: results `TOTAL_TIME` minus the car's last `ELAPSED` in 23_, in ms. RoadSense
    /// takes positions from the results file; on the road the order is laps, then race time.
    static let penalties: [Race: [String: Int64]] = [
        Race(track: "cota", number: 1): ["47": 3_000, "14": 3_000, "89": 41_000, "113": 13_000, "51": 41_000],
        Race(track: "cota", number: 2): ["72": 3_000, "2": 41_000],
        Race(track: "indianapolis", number: 1): ["22": 5_000, "8": 68_000, "72": 68_000],
        Race(track: "indianapolis", number: 2): ["03": 68_000, "22": 5_000, "5": 68_000],
        Race(track: "road-america", number: 2): ["31": 52_000, "5": 52_000],
        // +5:44 on a 19-lap finish: classified behind cars it beat on the road.
        Race(track: "sebring", number: 1): ["41": 344_000],
        Race(track: "sebring", number: 2): ["5": 44_000, "47": 44_000],
        // Only in the final 03_Results_Anonymized.CSV; the provisional file has 71 third.
        Race(track: "sonoma", number: 2): ["71": 100_000, "5": 50_000],
        // 113's +30 s is the issue's example; provisional → official also moves 51, 98 and 89.
        Race(track: "vir", number: 1): ["113": 30_000, "51": 30_000, "98": 30_000, "89": 30_000],
        // 2's +5 s is already in the provisional file; 7 and 80 get +30 s in the official one.
        Race(track: "vir", number: 2): ["2": 5_000, "7": 30_000, "80": 30_000],
    ]

    /// Cars the results file places out of their on-track order without any time change.
    static let reordered: [Race: [String: String]] = [
        Race(track: "road-america", number: 2): [
            "72": "2nd on the road (provisional P2), official P26 behind cars laps down, same TOTAL_TIME",
            "47": "3rd on the road (provisional P3), official P27 behind cars laps down, same TOTAL_TIME",
        ]
    ]

    /// Cars in the results file with no row in 23_: all with 0 laps.
    static let resultsOnly: [Race: Set<String>] = [
        Race(track: "road-america", number: 2): ["15"],  // Not started
        Race(track: "sebring", number: 2): ["80"],  // Classified, 0 laps, no time
        Race(track: "vir", number: 1): ["78"],  // Not started
        Race(track: "vir", number: 2): ["21", "31", "78"],  // 21, 31 Classified with 0 laps; 78 Not started
    ]

    /// The results file each race uses, and its kind.
    static let resultsFiles: [Race: String] = [
        Race(track: "barber", number: 1): "03_Provisional Results_Race 1_Anonymized.CSV",
        Race(track: "barber", number: 2): "03_Results GR Cup Race 2 Official_Anonymized.CSV",
        Race(track: "cota", number: 1): "00_Results GR Cup Race 1 Official_Anonymized.CSV",
        Race(track: "cota", number: 2): "03_Provisional Results_ Race 2_Anonymized.CSV",
        Race(track: "indianapolis", number: 1): "03_GR Cup Race 1 Official Results.CSV",
        Race(track: "indianapolis", number: 2): "03_GR Cup Race 2 Official Results.CSV",
        Race(track: "road-america", number: 1): "03_Results GR Cup Race 1 Official1_Anonymized.CSV",
        Race(track: "road-america", number: 2): "03_Results GR Cup Race 2 Official_Anonymized.CSV",
        Race(track: "sebring", number: 1): "00_Results GR Race 1 Official_Anonymized.CSV",
        Race(track: "sebring", number: 2): "00_Results GR Race 2 Official_Anonymized.CSV",
        Race(track: "sonoma", number: 1): "03_Results_Anonymized.CSV",
        Race(track: "sonoma", number: 2): "03_Results_Anonymized.CSV",
        Race(track: "vir", number: 1): "03_Results GR Cup Race 1 Official_Anonymized.CSV",
        Race(track: "vir", number: 2): "03_Results GR Cup Race 2 Official_Anonymized.CSV",
    ]

    /// Every report, built once (about 1 s for all 14).
    static let reports: [Race: RaceReport] = {
        var reports: [Race: RaceReport] = [:]
        for race in races {
            reports[race] = try? RaceReport.build(directory: TestData.trd(race.track), race: race.number)
        }
        return reports
    }()

    func report(_ race: Race) throws -> RaceReport { try #require(Self.reports[race]) }

    func folder(_ report: RaceReport) -> URL { URL(fileURLWithPath: report.directory, isDirectory: true) }

    @Test("each car's best lap and its lap number equal 99_ BESTLAP_1 / BESTLAP_1_LAPNUM", arguments: races)
    func bestLaps(race: Race) throws {
        let report = try report(race)
        let file = try #require(report.files.first { $0.kind == "best_laps" })
        let rows = try BestLapsReader.read(
            url: folder(report).appendingPathComponent(file.file), ledger: RowIssueLedger())
        let running = report.cars.filter { $0.lapsCompleted > 0 }
        #expect(rows.count == running.count, "one 99_ row per car that ran")

        var mismatches: Set<String> = []
        for row in rows {
            // Two cars may share a label: the 99_ row is the one whose ten laps are all that car's laps.
            let candidates = running.filter { $0.carLabel == row.carLabel }
            let car = try #require(
                candidates.first { car in
                    row.laps.allSatisfy { best in
                        car.laps.contains { $0.lap == best.lapNumber && $0.lapTimeMs == best.lapTimeMs }
                    }
                }, "car \(row.carLabel): no car has all of its 99_ laps")
            let organisers = row.laps.first
            if car.bestLapMs != organisers?.lapTimeMs || car.bestLapNumber != organisers?.lapNumber {
                mismatches.insert(car.carLabel)
            }
            if let organisers {
                #expect(car.bestLap == LapTimeText.format(organisers.lapTimeMs) || mismatches.contains(car.carLabel))
            }
        }
        #expect(mismatches == Set((Self.bestLapExceptions[race] ?? [:]).keys))
    }

    @Test("laps completed per car equal the results file's LAPS", arguments: races)
    func lapsCompleted(race: Race) throws {
        let report = try report(race)
        #expect(report.resultsFile == Self.resultsFiles[race])
        let file = try #require(report.files.first { $0.kind == "results" })
        let rows = try ResultsReader.read(
            url: folder(report).appendingPathComponent(file.file), ledger: RowIssueLedger())

        // Compared as multisets of (label, laps), so the shared-label cars need no pairing.
        let running = report.cars.filter { $0.lapsCompleted > 0 }
        let ours = running.map { "\($0.carLabel):\($0.lapsCompleted)" }.sorted()
        let organisers = rows.filter { $0.laps > 0 }.map { "\($0.carLabel):\($0.laps)" }.sorted()
        #expect(ours == organisers)

        let onlyInResults = report.cars.filter { $0.lapsCompleted == 0 }
        #expect(Set(onlyInResults.map(\.carLabel)) == Self.resultsOnly[race] ?? [])
        #expect(onlyInResults.allSatisfy { $0.resultsLaps == 0 })
        #expect(report.cars.count == rows.count, "every results row is in the report")
    }

    @Test("finishing order equals the results file once the listed penalties are applied", arguments: races)
    func finishingOrder(race: Race) throws {
        let report = try report(race)
        let running = report.cars.filter { $0.lapsCompleted > 0 }

        // Penalties RoadSense sees (results time minus race time) are exactly the listed ones.
        var seen: [String: Int64] = [:]
        for car in running { if let penalty = car.penaltyMs { seen[car.carLabel] = penalty } }
        #expect(seen == Self.penalties[race] ?? [:])

        // Order by laps, then race time plus penalty, against the results' POSITION order.
        let reordered = Self.reordered[race] ?? [:]
        let ours = running.sorted {
            (-$0.lapsCompleted, ($0.raceTimeMs ?? 0) + ($0.penaltyMs ?? 0))
                < (-$1.lapsCompleted, ($1.raceTimeMs ?? 0) + ($1.penaltyMs ?? 0))
        }.map(\.carLabel)
        let official = running.filter { $0.finishingPosition != nil }.sorted {
            $0.finishingPosition! < $1.finishingPosition!
        }.map(\.carLabel)
        #expect(ours.filter { reordered[$0] == nil } == official.filter { reordered[$0] == nil })
        for label in reordered.keys {
            #expect(ours.firstIndex(of: label) != official.firstIndex(of: label), "car \(label) is no longer reordered")
        }
        // Positions run 1...n with no gaps.
        let positions = report.cars.compactMap(\.finishingPosition).sorted()
        #expect(positions == Array(1...positions.count))
    }

    @Test("sector times of sample laps equal the 23_ file's S1/S2/S3", arguments: races)
    func sectors(race: Race) throws {
        let report = try report(race)
        let name = try #require(report.files.first { $0.kind == "analysis" }).file
        let file = try CSVFile(url: folder(report).appendingPathComponent(name))
        defer { file.close() }
        let columns = try ["NUMBER", "LAP_NUMBER", "S1", "S2", "S3", "LAP_TIME"].map { try file.requireColumn($0) }

        var checked = 0
        for record in file where record.line % 23 == 2 {
            let label = record[columns[0]]
            let lap = Int(record[columns[1]])
            let expected = (2...5).map { TRDTime.parseDuration(record[columns[$0]]) }
            let matches = report.cars.filter { $0.carLabel == label }.compactMap { car in
                car.laps.first { $0.lap == lap && $0.lapTimeMs == expected[3] }
            }
            let found = try #require(matches.first, "\(name) line \(record.line)")
            #expect([found.s1Ms, found.s2Ms, found.s3Ms, found.lapTimeMs] == expected, "line \(record.line)")
            checked += 1
        }
        #expect(checked >= 14)
    }

    @Test("top speed is nil exactly where 23_ leaves TOP_SPEED empty (sebring, vir)", arguments: races)
    func topSpeed(race: Race) throws {
        let report = try report(race)
        let running = report.cars.filter { $0.lapsCompleted > 0 }
        if race.track == "sebring" || race.track == "vir" {
            #expect(running.allSatisfy { $0.topSpeedKph == nil })
        } else {
            #expect(running.allSatisfy { $0.topSpeedKph.map { $0 > 100 && $0 < 260 } ?? false })
        }
    }
}
