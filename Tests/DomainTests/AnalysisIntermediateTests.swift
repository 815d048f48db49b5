import Foundation
import Testing

@testable import RaceDomain

/// The `23_` files' intermediate points (`IM1a_time;IM1a_elapsed;…;FL_time;FL_elapsed`, sonoma's `INT-1`/`INT-2`):
/// rows read by hand from the files, then every lap of the 14 races checked against its own sectors and lap time.
@Suite("Analysis intermediates")
struct AnalysisIntermediateTests {
    static func laps(_ path: String) throws -> (laps: [AnalysisLap], ledger: RowIssueLedger) {
        let ledger = RowIssueLedger()
        return (try AnalysisReader.read(url: TestData.trd(path), ledger: ledger), ledger)
    }

    /// `point time elapsed` triples of one lap, times as written in the file.
    static func triples(_ lap: AnalysisLap) -> [String] {
        lap.intermediates.map { point in
            "\(point.point) \(LapTimeText.format(point.timeMs) ?? "-") \(LapTimeText.format(point.elapsedMs) ?? "-")"
        }
    }

    @Test("barber R1 line 3 (car 3, lap 2) by hand: 20.769 18.801 35.764 21.581 13.529 23.247, elapsed to 2:13.691")
    func barberRow() throws {
        let lap = try #require(
            try Self.laps("barber/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV").laps.first { $0.row == 3 })
        #expect(lap.carLabel == "3" && lap.lap == 2)
        #expect(
            Self.triples(lap) == [
                "IM1a 0:20.769 0:20.769", "IM1 0:18.801 0:39.570", "IM2a 0:35.764 1:15.334", "IM2 0:21.581 1:36.915",
                "IM3a 0:13.529 1:50.444", "FL 0:23.247 2:13.691",
            ])
        #expect(lap.intermediates.map(\.column) == ["IM1a", "IM1", "IM2a", "IM2", "IM3a", "FL"])
    }

    @Test("sonoma R1 line 3 by hand: INT-1 and INT-2 are read as IM1 and IM2")
    func sonomaRow() throws {
        let lap = try #require(
            try Self.laps("sonoma/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV").laps.first {
                $0.row == 3
            })
        #expect(
            Self.triples(lap) == [
                "IM1a 0:18.071 0:18.071", "IM1 0:24.737 0:42.808", "IM2a 0:16.088 0:58.896", "IM2 0:23.520 1:22.416",
                "IM3a 0:15.312 1:37.728", "FL 0:24.203 2:01.931",
            ])
        #expect(lap.intermediates.map(\.column) == ["IM1a", "INT-1", "IM2a", "INT-2", "IM3a", "FL"])
    }

    @Test("road-america R1 line 13 by hand: the loop missed IM1, so IM1 and IM2a have no time, IM2a still an elapsed")
    func missedPoint() throws {
        let (laps, ledger) = try Self.laps("road-america/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV")
        let lap = try #require(laps.first { $0.row == 13 })
        #expect(lap.carLabel == "3" && lap.lap == 12 && lap.s1Ms == nil && lap.s2Ms == nil)
        #expect(
            Self.triples(lap) == [
                "IM1a 0:20.192 0:20.192", "IM1 - -", "IM2a - 1:18.268", "IM2 0:32.325 1:50.593",
                "IM3a 0:29.920 2:20.513", "FL 0:25.644 2:46.157",
            ])
        #expect(ledger.count(reason: "inconsistent intermediates") == 0)
    }

    static let files = [
        "barber/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV",
        "barber/23_AnalysisEnduranceWithSections_Race 2_Anonymized.CSV",
        "cota/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV",
        "cota/Race 2/23_AnalysisEnduranceWithSections_ Race 2_Anonymized.CSV",
        "indianapolis/23_AnalysisEnduranceWithSections_Race 1.CSV",
        "indianapolis/23_AnalysisEnduranceWithSections_Race 2.CSV",
        "road-america/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV",
        "road-america/Race 2/23_AnalysisEnduranceWithSections_Race 2_Anonymized.CSV",
        "sebring/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV",
        "sebring/Race 2/23_AnalysisEnduranceWithSections_Race 2_Anonymized.CSV",
        "sonoma/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV",
        "sonoma/Race 2/23_AnalysisEnduranceWithSections_Race 2_Anonymized.CSV",
        "vir/Race 1/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV",
        "vir/Race 2/23_AnalysisEnduranceWithSections_Race 2_Anonymized.CSV",
    ]

    /// Laps with all six points timed, counted by a Python csv pass over each file (sonoma R2 leaves every
    /// IM1a/IM2a/IM3a empty).
    static let completeLaps = [579, 602, 445, 461, 668, 615, 365, 419, 401, 332, 621, 0, 413, 408]

    @Test("in every lap of the 14 races the points lie within their sectors and add up to the lap", arguments: 0..<14)
    func consistentEverywhere(index: Int) throws {
        let (laps, ledger) = try Self.laps(Self.files[index])
        #expect(ledger.count(reason: "inconsistent intermediates") == 0)
        #expect(ledger.counts.allSatisfy { !$0.reason.contains("intermediate") })
        var complete = 0
        for lap in laps {
            #expect(lap.intermediates.map(\.point) == ["IM1a", "IM1", "IM2a", "IM2", "IM3a", "FL"])
            let times = lap.intermediates.map(\.timeMs)
            let elapsed = lap.intermediates.map(\.elapsedMs)
            // Every elapsed the file gives lies within the lap, and the finish line's is the lap time.
            #expect(elapsed.compactMap { $0 }.allSatisfy { $0 > 0 && $0 <= lap.lapTimeMs }, "line \(lap.row)")
            if let finish = elapsed[5] { #expect(finish == lap.lapTimeMs, "line \(lap.row)") }
            guard times.allSatisfy({ $0 != nil }) else { continue }
            complete += 1
            let t = times.map { $0! }
            if let s1 = lap.s1Ms { #expect(t[0] + t[1] == s1 && elapsed[1] == s1, "line \(lap.row)") }
            if let s2 = lap.s2Ms { #expect(t[2] + t[3] == s2, "line \(lap.row)") }
            if let s3 = lap.s3Ms { #expect(t[4] + t[5] == s3, "line \(lap.row)") }
            #expect(t.reduce(0, +) == lap.lapTimeMs, "line \(lap.row)")
        }
        #expect(complete == Self.completeLaps[index])
    }

    @Test("a row whose points do not add up is counted, naming its row and the first point that breaks")
    func inconsistentRow() throws {
        let header =
            "NUMBER; LAP_NUMBER; LAP_TIME; S1; S2; S3; HOUR;IM1a_time;IM1a_elapsed;IM1_time;IM1_elapsed;FL_time;"
            + "FL_elapsed\n"
        let good = "7;2;1:40.000;30.000;40.000;30.000;13:00:00.000;10.000;10.000;20.000;30.000;70.000;1:40.000\n"
        let bad = "7;3;1:40.000;30.000;40.000;30.000;13:01:40.000;10.000;10.000;20.500;30.500;69.500;1:40.000\n"
        let worse = "7;4;1:40.000;30.000;40.000;30.000;13:03:20.000;10.000;10.000;20.000;30.000;70.000;1:41.000\n"
        let url = try TestData.temporaryFile("23_intermediates.CSV", header + good + bad + worse)
        let ledger = RowIssueLedger()
        let laps = try AnalysisReader.read(url: url, ledger: ledger)
        #expect(laps.count == 3, "rows are kept")
        #expect(ledger.count(reason: "inconsistent intermediates") == 2)
        #expect(
            ledger.firstExample(file: url.lastPathComponent, kind: "analysis", reason: "inconsistent intermediates")
                == "row 3 field IM1_elapsed: IM1 elapsed 30500 ms but the sectors/lap give 30000 ms")
        #expect(laps[2].intermediates.last?.elapsedMs == 101_000, "kept as written")
    }

    @Test("the report's best intermediates are each car's fastest time through each point, with the session gap")
    func reportBests() throws {
        let report = try RaceReport.build(directory: TestData.trd("barber"), race: 1)
        // The peer: the file read column by column here.
        let file = try CSVFile(url: TestData.trd("barber/23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"))
        defer { file.close() }
        let number = try file.requireColumn("NUMBER")
        let stems = ["IM1a", "IM1", "IM2a", "IM2", "IM3a", "FL"]
        let columns = try stems.map { try file.requireColumn($0 + "_time") }
        var best: [String: [Int64]] = [:]
        for record in file {
            let times = columns.map { TRDTime.parseDuration(record[$0]) ?? .max }
            best[record[number]] = zip(best[record[number]] ?? times, times).map { min($0, $1) }
        }
        let sessionBest = (0..<6).map { point in best.values.map { $0[point] }.min()! }
        for car in report.cars where car.lapsCompleted > 0 {
            #expect(car.bestIntermediates.map(\.point) == stems)
            #expect(car.bestIntermediates.map(\.timeMs) == best[car.carLabel], "car \(car.carLabel)")
            #expect(car.bestIntermediates.map { $0.deltaMs! } == zip(best[car.carLabel]!, sessionBest).map { $0 - $1 })
            for point in car.bestIntermediates {
                let lap = try #require(car.laps.first { $0.lap == point.lap })
                #expect(lap.intermediates.first { $0.point == point.point }?.timeMs == point.timeMs)
            }
        }
        // By hand from the file: car 13's fastest IM1a is 16.843 on lap 6 (its best lap is lap 8).
        let winner = try #require(report.car("13"))
        #expect(winner.bestIntermediates.first?.timeMs == 16_843 && winner.bestIntermediates.first?.lap == 6)
    }
}
