import Foundation
import Testing

@testable import RaceDomain

/// RoadSense's race report checked against the organisers' own files for all 14 races in
/// `../shared/data/trd`: best laps against the `99_` best-10-laps file; laps completed (RoadSense: the highest
/// LAP_NUMBER of the car in 23_) against the results file RaceFiles picks (official > unqualified final >
/// provisional); the finishing order RoadSense computes from the lap timing alone (laps, then the time of the
/// last crossing, by ELAPSED and by HOUR) against the results' POSITION; sector times and top speeds against
/// the `23_` analysis file read here column by column, and top speed against the telemetry where there is some.
///
/// Where the organisers' files disagree with each other, RoadSense follows the `23_` analysis file (the
/// only one with every lap, sector and flag) and the results file for positions; each disagreement, and each
/// car the organisers placed after the flag away from where the timing puts it, is listed below with where
/// that is known from, so that a new one fails the test.
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

    /// Cars the results place where RoadSense's own finishing order (laps completed, then the time of the last
    /// crossing — see `finishingOrder`) does not, because the organisers applied a decision after the flag, and
    /// where that is known from. `provisional` is the car's POSITION in the race's separate provisional results
    /// file (checked by the test), where that file places it as on the road and the official one does not.
    struct Decision: Sendable {
        var why: String
        var provisional: Int? = nil
    }

    static let decisions: [Race: [String: Decision]] = [
        Race(track: "cota", number: 1): [
            "47": Decision(why: "+3 s (TOTAL_TIME − ELAPSED), in the provisional file too: P12 on the road, P13"),
            "89": Decision(
                why: "+41 s only in 00_…Official (TOTAL_TIME 46:55.429 vs 46:14.429 provisional): P18 → P26",
                provisional: 18),
        ],
        Race(track: "cota", number: 2): [
            "72": Decision(why: "+3 s in the provisional results (there is no official file): P3 on the road, P7")
        ],
        Race(track: "indianapolis", number: 1): [
            "22": Decision(why: "+5 s, same in provisional and official: first on the road, P8"),
            "8": Decision(why: "+68 s, same in provisional and official: P22 on the road, P23"),
        ],
        Race(track: "indianapolis", number: 2): [
            "22": Decision(why: "+5 s (provisional = official, SOURCES.md item 37): P20 on the road, P21"),
            "03": Decision(why: "+68 s (provisional = official): P14 on the road, P22"),
        ],
        Race(track: "road-america", number: 2): [
            "31": Decision(why: "+52 s only in the official file: provisional P7, official P19", provisional: 7),
            "5": Decision(why: "+52 s only in the official file: provisional P18, official P20", provisional: 18),
            "72": Decision(
                why: "2nd on the road and provisional P2; official P26 behind cars laps down, same TOTAL_TIME",
                provisional: 2),
            "47": Decision(
                why: "3rd on the road and provisional P3; official P27 behind cars laps down, same TOTAL_TIME",
                provisional: 3),
        ],
        Race(track: "sonoma", number: 2): [
            "71": Decision(
                why: "+100 s only in the final 03_Results_Anonymized.CSV: provisional P3, final P26", provisional: 3)
        ],
        Race(track: "vir", number: 1): [
            "113": Decision(
                why: "+30 s only in the official file (SOURCES.md item 37): provisional P11, official P14",
                provisional: 11
            ),
            "51": Decision(why: "+30 s, in the provisional file too: P15 on the road, P16"),
        ],
        Race(track: "vir", number: 2): [
            "2": Decision(why: "+5 s, in the provisional file too: first on the road, P6"),
            "7": Decision(why: "+30 s only in the official file: provisional P3, official P14", provisional: 3),
            "80": Decision(why: "+30 s only in the official file: provisional P17, official P19", provisional: 17),
        ],
    ]

    /// The separate provisional results file of races that also have an official or final one that differs.
    static let provisionalFiles: [Race: String] = [
        Race(track: "cota", number: 1): "03_Provisional Results_Race 1_Anonymized.CSV",
        Race(track: "road-america", number: 2): "03_Provisional Results_Race 2_Anonymized.CSV",
        Race(track: "sonoma", number: 2): "03_Provisional_Results_Race 2_Anonymized.CSV",
        Race(track: "vir", number: 1): "03_Provisional Results_Race 1_Anonymized.CSV",
        Race(track: "vir", number: 2): "03_Provisional Results_Race 2_Anonymized.CSV",
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

    @Test(
        "time penalties RoadSense sees (results TOTAL_TIME − ELAPSED at the flag) are the listed ones", arguments: races
    )
    func penaltiesSeen(race: Race) throws {
        var seen: [String: Int64] = [:]
        for car in try report(race).cars where car.lapsCompleted > 0 {
            if let penalty = car.penaltyMs { seen[car.carLabel] = penalty }
        }
        #expect(seen == Self.penalties[race] ?? [:])
    }

    /// RoadSense's finishing order, computed from the lap timing alone: more laps completed first, then the
    /// earlier crossing of the last lap (`onTrackPosition`, from `ELAPSED` at that crossing).
    @Test(
        "finishing order from the lap timing equals the results' POSITION, but for the listed decisions",
        arguments: races)
    func finishingOrder(race: Race) throws {
        let report = try report(race)
        let running = report.cars.filter { $0.lapsCompleted > 0 }
        let ours = running.sorted { $0.onTrackPosition! < $1.onTrackPosition! }.map(\.displayName)
        #expect(Set(running.compactMap(\.onTrackPosition)) == Set(1...running.count))

        // The same order from the other clock of the 23_ file: HOUR (local time of day) of each car's last
        // crossing, read here straight from the file. ELAPSED and HOUR agree on every race.
        let name = try #require(report.files.first { $0.kind == "analysis" }).file
        let entries = AnalysisEntry.group(
            try AnalysisReader.read(url: folder(report).appendingPathComponent(name), ledger: RowIssueLedger()))
        let byHour = entries.sorted {
            (-$0.lapsCompleted, $0.lastLap!.hourOfDayMs) < (-$1.lapsCompleted, $1.lastLap!.hourOfDayMs)
        }.map { entry in entry.entry.map { "\(entry.carLabel)#\($0)" } ?? entry.carLabel }
        #expect(byHour == ours)

        // Against the organisers: the results' POSITION, every car but those the organisers moved after the flag.
        let official = running.filter { $0.finishingPosition != nil }.sorted {
            $0.finishingPosition! < $1.finishingPosition!
        }.map(\.displayName)
        #expect(official.count == running.count, "every car that ran is classified")
        let decided = Self.decisions[race] ?? [:]
        #expect(ours.filter { decided[$0] == nil } == official.filter { decided[$0] == nil })
        // Each listed car is needed: put back, it breaks the agreement (cota R1's 113, +13 s, is not listed: it
        // keeps its place behind 73 once 89 is set aside).
        for label in decided.keys.sorted() {
            let others = decided.filter { $0.key != label }
            #expect(
                ours.filter { others[$0] == nil } != official.filter { others[$0] == nil },
                "car \(label) of \(race) is where the road puts it")
        }

        // Where a decision is said to be absent from the provisional file, that file has the car where it says.
        if let provisional = Self.provisionalFiles[race] {
            let rows = try ResultsReader.read(
                url: folder(report).appendingPathComponent(provisional), ledger: RowIssueLedger())
            for (label, decision) in decided {
                guard let position = decision.provisional else { continue }
                #expect(rows.first { $0.carLabel == label }?.position == position, "car \(label) in \(provisional)")
            }
        } else {
            #expect(decided.values.allSatisfy { $0.provisional == nil })
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

    /// The report's top speed is the highest `TOP_SPEED` of the car's laps in the 23_ file (Al Kamel's timing
    /// system); it is nil where the file leaves the column empty (every sebring and vir row).
    @Test(
        "each car's top speed is the highest TOP_SPEED of its laps in 23_, read here column by column", arguments: races
    )
    func topSpeed(race: Race) throws {
        let report = try report(race)
        let running = report.cars.filter { $0.lapsCompleted > 0 }
        let name = try #require(report.files.first { $0.kind == "analysis" }).file
        let file = try CSVFile(url: folder(report).appendingPathComponent(name))
        defer { file.close() }
        let number = try file.requireColumn("NUMBER")
        let column = try file.requireColumn("TOP_SPEED")

        // Per label, the highest value of each run of rows (a label two cars share is two runs, SOURCES.md 30).
        var runs: [String: [Double?]] = [:]
        var previous: String?
        for record in file {
            let label = record[number]
            let value = Double(record[column])
            if label != previous {
                runs[label, default: []].append(value)
            } else {
                let last = runs[label]!.count - 1
                runs[label]![last] = [runs[label]![last], value].compactMap { $0 }.max()
            }
            previous = label
        }
        for (label, maxima) in runs {
            let ours = running.filter { $0.carLabel == label }.map(\.topSpeedKph)
            // Compared as sorted lists, so the two cars of a shared label need no pairing.
            #expect(
                ours.map { $0 ?? -1 }.sorted() == maxima.map { $0 ?? -1 }.sorted(), "car \(label) in \(race)")
        }
        #expect(Set(runs.keys) == Set(running.map(\.carLabel)))
        let empty = race.track == "sebring" || race.track == "vir"
        #expect(running.allSatisfy { ($0.topSpeedKph == nil) == empty })
    }

    /// The one car with telemetry (barber's car 2, GR86-002-000; the heads cover its formation lap and the
    /// first seconds of racing): within every timed lap its telemetry covers, the `speed` channel never passes
    /// the lap's TOP_SPEED by more than 1 km/h. On race 1's lap 2 (a caution lap) the car is read at speed
    /// just after the line: 136.77 km/h in telemetry against TOP_SPEED 137.1 (a Python pass over both files).
    @Test(
        "barber car 2: telemetry speed within each timed lap stays at or below that lap's TOP_SPEED", arguments: [1, 2])
    func topSpeedAgainstTelemetry(race: Int) throws {
        let files = try RaceFiles.locate(directory: TestData.trd("barber"), race: race)
        let data = try RaceData.load(files, ledger: RowIssueLedger())
        #expect(data.vehicleIDs(forCar: 2) == ["GR86-002-000"])
        let telemetry = try #require(files.telemetry.first)
        let speeds = try TelemetryReader(url: telemetry, ledger: RowIssueLedger()).readAll().filter {
            $0.channel == "speed" && $0.vehicleID == "GR86-002-000"
        }
        var covered: [Int: Double] = [:]
        for lap in data.laps where lap.carNumber == 2 {
            let start = lap.crossedMs - (lap.lapTimeMs ?? 0)
            let inside = speeds.filter { $0.metaTimeMs >= start && $0.metaTimeMs < lap.crossedMs }.map(\.value)
            guard let fastest = inside.max(), let top = lap.topSpeedKph else { continue }
            covered[lap.lap] = fastest
            #expect(fastest <= top + 1, "lap \(lap.lap): telemetry \(fastest) km/h, TOP_SPEED \(top)")
        }
        #expect(covered.keys.sorted() == (race == 1 ? [1, 2] : [1]))
        if race == 1 {
            #expect(covered[2] == 136.77)
            #expect(data.laps.first { $0.carNumber == 2 && $0.lap == 2 }?.topSpeedKph == 137.1)
        }
    }
}
