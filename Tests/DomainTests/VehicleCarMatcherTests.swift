import Foundation
import Testing

@testable import RaceDomain

@Suite("Vehicle to car matching")
struct VehicleCarMatcherTests {
    /// Barber R1 and R2 (the same 20 vehicles in both): every lap_end vehicle and its timing-sheet car.
    /// Obtained once with an independent python3 script that reads the CSVs directly (same lap_end
    /// filtering as LapEventReader, HOUR + 5 h as UTC, hits within 1.0 s, greedy by hits then median, each
    /// vehicle and car once, hits ≥ half the events) — not with this code.
    static let barberCars: [String: Int] = [
        "GR86-002-000": 2, "GR86-004-78": 58, "GR86-006-7": 7, "GR86-010-16": 22, "GR86-013-80": 80,
        "GR86-015-31": 31, "GR86-016-55": 55, "GR86-022-13": 13, "GR86-025-47": 47, "GR86-026-72": 72,
        "GR86-030-18": 18, "GR86-033-46": 46, "GR86-036-98": 98, "GR86-038-93": 93, "GR86-040-3": 3,
        "GR86-047-21": 21, "GR86-049-88": 88, "GR86-060-2": 111, "GR86-063-113": 113, "GR86-065-5": 5,
    ]

    static func load(_ track: String, race: Int) throws -> RaceData {
        try RaceData.load(try RaceFiles.locate(directory: TestData.trd(track), race: race), ledger: RowIssueLedger())
    }

    static func lapEnd(_ vehicleID: String, number: Int?, at timestampMs: Int64) -> LapEvent {
        LapEvent(
            kind: .end, vehicleID: vehicleID, carNumber: number, lap: 1, timestampMs: timestampMs,
            metaTimeMs: timestampMs)
    }

    static func crossing(car: Int, at crossedMs: Int64) -> LapRecord {
        LapRecord(
            carNumber: car, lap: 1, lapTimeMs: nil, crossedMs: crossedMs, s1Ms: nil, s2Ms: nil, s3Ms: nil,
            topSpeedKph: nil, avgSpeedKph: nil, elapsedMs: nil, flag: "GF", pitIn: false, pitTimeMs: nil,
            source: .analysis)
    }

    @Test("maps barber R1 vehicles by crossing time, not by their anonymised vehicle_number")
    func barberRace1() throws {
        let data = try Self.load("barber", race: 1)
        #expect(data.carByVehicle["GR86-002-000"] == 2)
        #expect(data.carByVehicle["GR86-060-2"] == 111)
        #expect(data.carByVehicle["GR86-004-78"] == 58)
        #expect(data.carByVehicle["GR86-010-16"] == 22)
        #expect(data.carByVehicle["GR86-022-13"] == 13)
        #expect(data.carByVehicle == Self.barberCars)
        #expect(data.matchedByCrossing == Self.barberCars)
        #expect(data.vehiclesByCar.values.allSatisfy { $0.count == 1 })
        #expect(data.vehicleIDs(forCar: 111) == ["GR86-060-2"])
        #expect(data.laps.filter { $0.carNumber == 2 }.allSatisfy { $0.vehicleID == "GR86-002-000" })
        #expect(data.laps.filter { $0.carNumber == 111 }.allSatisfy { $0.vehicleID == "GR86-060-2" })
    }

    @Test("writes one note per barber R1 vehicle whose car differs from its vehicle_number")
    func barberRace1Notes() throws {
        let data = try Self.load("barber", race: 1)
        // Hits, events and medians from the same independent python3 script.
        #expect(
            data.mappingNotes == [
                "GR86-002-000: vehicle_number 0 but its crossings match car 2 (26 of 27 within 1 s, median 0.16 s)",
                "GR86-004-78: vehicle_number 78 but its crossings match car 58 (25 of 26 within 1 s, median 0.21 s)",
                "GR86-010-16: vehicle_number 16 but its crossings match car 22 (26 of 27 within 1 s, median 0.15 s)",
                "GR86-060-2: vehicle_number 2 but its crossings match car 111 (26 of 27 within 1 s, median 0.17 s)",
            ])
    }

    @Test("maps barber R2 to the same cars as R1")
    func barberRace2() throws {
        let data = try Self.load("barber", race: 2)
        #expect(data.carByVehicle == Self.barberCars)
        #expect(data.vehiclesByCar.values.allSatisfy { $0.count == 1 })
        #expect(data.mappingNotes.count == 4)
    }

    @Test("maps at least 80 % of the lap_end vehicles of cota, sonoma and indianapolis, one vehicle per car")
    func otherTracks() throws {
        // (track, race, lap_end vehicles, mapped, mapped by crossing, unmapped), from the python3 script,
        // except cota: its lap_end clock runs ~7.4 s ahead of HOUR, which the script did not correct (every
        // vehicle fell back to vehicle_number there); RoadSense shifts lap_end back first (see `cotaClock`)
        // and then matches by crossing. Both cota cars anonymised to `3` share car 3's crossings, so one of
        // GR86-037-03 / GR86-040-3 stays unmapped either way.
        let expected: [(String, Int, Int, Int, Int, String)] = [
            ("cota", 1, 31, 30, 29, "GR86-037-03"),
            ("cota", 2, 31, 30, 30, "GR86-037-03"),
            ("sonoma", 1, 31, 30, 29, "GR86-040-003"),
            ("indianapolis", 1, 25, 24, 22, "GR86-040-3"),
            ("indianapolis", 2, 25, 24, 24, "GR86-040-3"),
        ]
        for (track, race, vehicles, mapped, byCrossing, unmapped) in expected {
            let data = try Self.load(track, race: race)
            let lapEndVehicles = Set(data.lapEnds.map(\.vehicleID))
            #expect(lapEndVehicles.count == vehicles, "\(track) R\(race)")
            #expect(lapEndVehicles.filter { data.carByVehicle[$0] != nil }.count == mapped, "\(track) R\(race)")
            #expect(data.matchedByCrossing.count == byCrossing, "\(track) R\(race)")
            #expect(mapped * 5 >= vehicles * 4, "\(track) R\(race)")
            #expect(data.carByVehicle[unmapped] == nil, "\(track) R\(race)")
            #expect(data.vehiclesByCar.values.allSatisfy { $0.count == 1 }, "\(track) R\(race)")
        }
    }

    @Test("assigns one-to-one by least total misfit and rejects a pair hitting fewer than half of the events")
    func oneToOneAndThreshold() {
        // Car 1 crosses at 0, 100, 200, 300 s; car 2 at 0.5, 100.5, 200.5, 300.5 s.
        let laps = (0..<4).flatMap { lap in
            [Self.crossing(car: 1, at: Int64(lap) * 100_000), Self.crossing(car: 2, at: Int64(lap) * 100_000 + 500)]
        }
        // A is 0.1 s after car 1 (0.4 s before car 2); B is 0.2 s after car 1 (0.3 s before car 2): both
        // are closest to car 1, and their vehicle_numbers point the other way.
        let a = (0..<4).map { Self.lapEnd("A", number: 2, at: Int64($0) * 100_000 + 100) }
        let b = (0..<4).map { Self.lapEnd("B", number: 1, at: Int64($0) * 100_000 + 200) }
        let matcher = VehicleCarMatcher()

        // All four pairs have 4 hits; A→1 + B→2 misfit 4 × 0.1 + 4 × 0.3 s beats A→2 + B→1 (4 × 0.4 + 4 × 0.2 s).
        let both = matcher.match(lapEnds: a + b, laps: laps)
        #expect(both.mapValues(\.carNumber) == ["A": 1, "B": 2])
        #expect(both["A"]?.medianDistanceMs == 100 && both["B"]?.medianDistanceMs == 300)

        // C hits car 1 on 2 of 4 events (half: accepted), D on 1 of 3 (less than half: rejected).
        let c = [100, 100_100, 250_000, 350_000].map { Self.lapEnd("C", number: nil, at: Int64($0)) }
        let d = [150_000, 250_000, 300_100].map { Self.lapEnd("D", number: nil, at: Int64($0)) }
        let car1 = laps.filter { $0.carNumber == 1 }
        #expect(matcher.match(lapEnds: c, laps: car1).mapValues(\.carNumber) == ["C": 1])
        #expect(matcher.match(lapEnds: d, laps: car1).isEmpty)
        let score = matcher.scores(lapEnds: d, laps: car1).first
        #expect(score?.hits == 1 && score?.events == 3 && score?.isAcceptable == false)
    }

    @Test("best total fit beats best pair first: the closest-looking pair is not taken when it costs more overall")
    func bestTotalFit() {
        // Car 1 crosses at 100, 200, 300, 400 s; car 2 0.4 s later each time.
        let laps = (1...4).flatMap { lap in
            [Self.crossing(car: 1, at: Int64(lap) * 100_000), Self.crossing(car: 2, at: Int64(lap) * 100_000 + 400)]
        }
        // A is 0.1 s after car 1 (0.3 s before car 2); B is 0.2 s before car 1 (0.6 s before car 2).
        let a = (1...4).map { Self.lapEnd("A", number: nil, at: Int64($0) * 100_000 + 100) }
        let b = (1...4).map { Self.lapEnd("B", number: nil, at: Int64($0) * 100_000 - 200) }
        let matcher = VehicleCarMatcher()
        let misfit = Dictionary(
            uniqueKeysWithValues: matcher.scores(lapEnds: a + b, laps: laps).map {
                ("\($0.vehicleID)\($0.carNumber)", $0.misfitMs)
            })
        #expect(misfit == ["A1": 400, "A2": 1_200, "B1": 800, "B2": 2_400])

        // Best pair first takes A→1 (0.1 s) and leaves B car 2: 400 + 2400. The best total is A→2 + B→1: 2000.
        #expect(matcher.match(lapEnds: a + b, laps: laps).mapValues(\.carNumber) == ["A": 2, "B": 1])
    }

    @Test("cars running nose to tail keep their own vehicles: vir R2 13/72 and road-america R1 7/55")
    func noseToTail() throws {
        // In barber, where these cars did not run together, the matcher (and the independent python script
        // above) maps GR86-022-13 → 13, GR86-026-72 → 72, GR86-006-7 → 7, GR86-016-55 → 55.
        let expected = ["GR86-022-13": 13, "GR86-026-72": 72, "GR86-006-7": 7, "GR86-016-55": 55]
        for (track, race) in [("vir", 2), ("road-america", 1)] {
            let data = try Self.load(track, race: race)
            for (vehicle, car) in expected {
                #expect(data.carByVehicle[vehicle] == car, "\(track) R\(race) \(vehicle)")
            }
            // Best pair first would have swapped them: GR86-026-72 hits car 13 once more than car 72 at vir R2.
            let scores = VehicleCarMatcher().scores(lapEnds: data.lapEnds, laps: data.laps)
            func score(_ vehicle: String, _ car: Int) -> VehicleCarMatcher.Score? {
                scores.first { $0.vehicleID == vehicle && $0.carNumber == car }
            }
            if track == "vir" {
                #expect(score("GR86-026-72", 13)!.hits == score("GR86-026-72", 72)!.hits + 1)
                #expect(score("GR86-026-72", 72)!.misfitMs < score("GR86-026-72", 13)!.misfitMs)
            } else {
                #expect(score("GR86-006-7", 55)!.medianDistanceMs < score("GR86-006-7", 7)!.medianDistanceMs)
            }
        }
    }

    @Test("finds cota's lap_end clock ~7.4 s ahead of HOUR, shifts it, then maps vehicles to their own cars")
    func cotaClock() throws {
        for race in [1, 2] {
            let data = try Self.load("cota", race: race)
            // An independent python3 estimate (median of lap_end minus the nearest HOUR crossing of the car
            // in the vehicle id, cars other than 3, |d| < 20 s) gives 7.3985 s for R1.
            #expect(abs(data.lapEndClockOffsetMs - 7_400) < 100, "cota R\(race): \(data.lapEndClockOffsetMs)")
            #expect(data.mappingNotes.contains { $0.hasPrefix("lap_end clock runs 7.") })

            // Every vehicle matched by crossing whose id names a car other than 3 got that car.
            let named = data.matchedByCrossing.filter { vehicle, _ in
                Int(vehicle.split(separator: "-").last ?? "").map { $0 != 3 } ?? false
            }
            #expect(named.count >= 28)
            for (vehicle, car) in named {
                #expect(Int(vehicle.split(separator: "-").last!) == car, "cota R\(race) \(vehicle) → \(car)")
            }
        }
        // Clocks that agree (barber) are left alone.
        #expect(try Self.load("barber", race: 1).lapEndClockOffsetMs == 0)
    }
}
