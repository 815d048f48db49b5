import Foundation
import Testing

@testable import RaceDomain

@Suite("LapEventReader")
struct LapEventReaderTests {
    /// Distinct laps per vehicle in a lap file, lap 0 and 32768 excluded, computed independently.
    private func distinctLaps(_ url: URL) throws -> [String: Int] {
        let file = try CSVFile(url: url)
        let lapColumn = file.column("lap")
        let vehicleColumn = file.column("vehicle_id")
        var laps: [String: Set<String>] = [:]
        for record in file where record[lapColumn] != "0" && record[lapColumn] != "32768" {
            laps[record[vehicleColumn], default: []].insert(record[lapColumn])
        }
        return laps.mapValues(\.count)
    }

    @Test("keeps one event per distinct lap of every vehicle in barber R1 lap_end")
    func barberLapEnd() throws {
        let url = TestData.trd("barber/R1_barber_lap_end.csv")
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(url: url, ledger: ledger)
        let perVehicle = Dictionary(grouping: events, by: \.vehicleID).mapValues(\.count)
        #expect(perVehicle == (try distinctLaps(url)))
        #expect(perVehicle.count == 20)
        #expect(events.allSatisfy { $0.kind == .end })
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.timestampMs <= $1.timestampMs })
        #expect(ledger.count(reason: "lap counter lost (32768)") == 0)
        #expect(ledger.total == 571 - events.count)
    }

    @Test("takes car numbers from vehicle_number and leaves 0 as unknown")
    func carNumbers() throws {
        let events = try LapEventReader.read(url: TestData.excerpt("R1_barber_lap_end.csv"), ledger: RowIssueLedger())
        let byVehicle = Dictionary(events.map { ($0.vehicleID, $0.carNumber) }, uniquingKeysWith: { first, _ in first })
        #expect(byVehicle["GR86-022-13"] == .some(13))
        #expect(byVehicle["GR86-002-000"] == .some(nil))
        #expect(events.allSatisfy { $0.lap <= 8 && $0.durationMs == nil })
    }

    @Test("counts the 36 lap-32768 rows of cota R1 lap_time and reads integer durations")
    func cotaLapTime() throws {
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(url: TestData.trd("cota/Race 1/COTA_lap_time_R1.csv"), ledger: ledger)
        #expect(ledger.count(reason: "lap counter lost (32768)") == 36)
        #expect(events.allSatisfy { $0.kind == .time && ($0.durationMs ?? 0) >= 30_000 })
        #expect(ledger.count(reason: "spurious burst (<30 s lap)") > 0)
        #expect(events.first { $0.vehicleID == "GR86-002-2" && $0.lap == 2 }?.durationMs == 1_476_949)
        #expect(events.first { $0.vehicleID == "GR86-002-2" }?.carNumber == 2)
    }

    @Test("reads the road-america schema and counts lap 0")
    func roadAmerica() throws {
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(
            url: TestData.trd("road-america/Race 1/road_america_lap_end_R1.csv"), ledger: ledger)
        #expect(!events.isEmpty)
        #expect(ledger.count(reason: "lap 0 (before the first crossing)") > 0)
        #expect(ledger.count(reason: "lap counter lost (32768)") == 29)
        #expect(events.allSatisfy { $0.durationMs == nil && (1...7).contains($0.lap) })
        #expect(events.first { $0.vehicleID == "GR86-062-012" }?.carNumber == 12)
    }

    @Test("drops the flip-flopping burst at one vir crossing")
    func virBurst() throws {
        let ledger = RowIssueLedger()
        let events = try LapEventReader.read(url: TestData.trd("vir/Race 1/vir_lap_time_R1.csv"), ledger: ledger)
        let car2 = events.filter { $0.vehicleID == "GR86-002-2" }
        #expect(car2.first { $0.lap == 21 }?.durationMs == 129_228)
        #expect(car2.first { $0.lap == 22 }.map { $0.durationMs ?? 0 >= 30_000 } ?? true)
        for (earlier, later) in zip(car2, car2.dropFirst()) {
            #expect(later.timestampMs - earlier.timestampMs >= 30_000)
        }
    }

    @Test("infers the kind from the file name variants")
    func kindFromName() {
        #expect(LapEvent.Kind(fileName: "COTA_lap_end_time_R1.csv") == .end)
        #expect(LapEvent.Kind(fileName: "sebring_lap_start_time_R1.csv") == .start)
        #expect(LapEvent.Kind(fileName: "road_america_lap_time_R1.csv") == .time)
        #expect(LapEvent.Kind(fileName: "R1_barber_lap_end.csv") == .end)
        #expect(LapEvent.Kind(fileName: "26_Weather.CSV") == nil)
    }
}
