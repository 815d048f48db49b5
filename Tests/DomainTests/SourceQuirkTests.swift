import Foundation
import Testing

@testable import RaceDomain

/// SOURCES.md quirks 2, 7, 15–18 of the lap files, each handled on purpose (docs/data-quirks.md says how), checked
/// on the real files. Figures marked "Python" come from a `csv` pass over the raw rows.
@Suite("SOURCES.md lap-file quirks")
struct SourceQuirkTests {
    static func raw(_ path: String) throws -> [[String: String]] {
        let file = try CSVFile(url: TestData.trd(path))
        defer { file.close() }
        return file.map { record in
            Dictionary(uniqueKeysWithValues: file.header.enumerated().map { ($0.element, record[$0.offset]) })
        }
    }

    @Test(
        "item 2: lap_time `value` is a duration in ms; lap_end's ISO `value` is no duration; barber's lap_time is lap_end"
    )
    func valueMeanings() throws {
        // cota R1 lap_time line 2: GR86-002-2, lap 2, value 1476949.
        let cota = try LapEventReader.read(
            url: TestData.trd("cota/Race 1/COTA_lap_time_R1.csv"), kind: .time, ledger: RowIssueLedger())
        #expect(cota.first { $0.row == 2 }?.durationMs == 1_476_949)
        // road-america R1 lap_end holds the crossing instant again in `value`: never read as a duration.
        let roadAmerica = try LapEventReader.read(
            url: TestData.trd("road-america/Race 1/road_america_lap_end_R1.csv"), kind: .end, ledger: RowIssueLedger())
        #expect(!roadAmerica.isEmpty && roadAmerica.allSatisfy { $0.durationMs == nil })
        // barber R1: no `value` column; lap_time holds the lap_end events (571 equal (vehicle, lap, timestamp)
        // triples, Python), so both read to the same events and neither has durations.
        let ends = try LapEventReader.read(
            url: TestData.trd("barber/R1_barber_lap_end.csv"), kind: .end, ledger: RowIssueLedger())
        let times = try LapEventReader.read(
            url: TestData.trd("barber/R1_barber_lap_time.csv"), kind: .time, ledger: RowIssueLedger())
        func triples(_ events: [LapEvent]) -> Set<String> {
            Set(events.map { "\($0.vehicleID)|\($0.lap)|\($0.timestampMs)" })
        }
        #expect(triples(ends) == triples(times) && ends.count == 519)
        #expect(times.allSatisfy { $0.durationMs == nil })
    }

    @Test("item 7: lap_start numbers the lap being started, lap_end's + 1 within 5 ms (528 of barber R1's 571 rows)")
    func lapStartNumbering() throws {
        let starts = try Self.raw("barber/R1_barber_lap_start.csv")
        let ends = try Self.raw("barber/R1_barber_lap_end.csv")
        var startAt: [String: Int64] = [:]
        for row in starts {
            startAt["\(row["vehicle_id"]!)|\(Int(row["lap"]!)!)"] = TRDTime.parseISO(row["timestamp"]!)
        }
        let matched = ends.filter { row in
            guard let start = startAt["\(row["vehicle_id"]!)|\(Int(row["lap"]!)! + 1)"],
                let end = TRDTime.parseISO(row["timestamp"]!)
            else { return false }
            return abs(start - end) <= 5
        }
        #expect(ends.count == 571 && matched.count == 528, "Python, in whole ms")
        // So RoadSense counts laps from lap_end (and the 23_ file) only; lap_start gives vehicle ids. A lap_start
        // event's lap is never below 2 in this race: it is the lap about to be driven.
        let events = try LapEventReader.read(
            url: TestData.trd("barber/R1_barber_lap_start.csv"), kind: .start, ledger: RowIssueLedger())
        #expect(events.map(\.lap).min() == 2)
    }

    @Test("item 15: car 113 is GR86-008-113 at sonoma and GR86-063-113 elsewhere: the vehicle is mapped per race")
    func carOnAnotherChassis() throws {
        for (track, vehicle) in [("sonoma", "GR86-008-113"), ("vir", "GR86-063-113"), ("barber", "GR86-063-113")] {
            let report = try RaceReport.build(directory: TestData.trd(track), race: 1)
            #expect(report.car("113")?.vehicleIDs == [vehicle], "\(track)")
        }
    }

    @Test("items 16 and 18: meta_source, expire_at and outing are not read; every lap-file row is kept or counted")
    func unreadColumns() throws {
        // indianapolis writes kafka:gr-cup-raw where the others write kafka:gr-raw; expire_at is always empty.
        let path = "indianapolis/R1_indianapolis_motor_speedway_lap_end.csv"
        let rows = try Self.raw(path)
        #expect(Set(rows.map { $0["meta_source"]! }) == ["kafka:gr-cup-raw"])
        #expect(Set(rows.map { $0["expire_at"]! }) == [""] && Set(rows.map { $0["outing"]! }) == ["0"])
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(url: TestData.trd(path), kind: .end, ledger: ledger)
        #expect(events.count + ledger.total == rows.count, "nothing is lost: a row is an event or a counted issue")
    }

    @Test("item 17: meta_event names the Sunday for both races; RoadSense dates race 1 by its timestamps (Saturday)")
    func eventDate() throws {
        let rows = try Self.raw("barber/R1_barber_lap_end.csv")
        #expect(Set(rows.map { $0["meta_event"]! }) == ["I_R06_2025-09-07"])
        let data = try RaceData.load(
            try RaceFiles.locate(directory: TestData.trd("barber"), race: 1), ledger: RowIssueLedger())
        let saturday = try #require(TRDTime.parseISO("2025-09-06T00:00:00Z"))
        #expect(data.laps.allSatisfy { $0.crossedMs >= saturday && $0.crossedMs < saturday + TRDTime.dayMs })
        #expect(data.laps.count == 579)
    }
}
