import Foundation
import Testing

@testable import RaceDomain

/// The JSON of `roadsense report DIR --json` (`RaceReport.json()`, printed as is) pinned key by key against a
/// hand-written fragment for a real car — barber race 1's winner, car 13 — so a renamed or dropped key fails
/// here, not in a consumer's script. The values are the organisers': 27 laps and P1 from the results file,
/// best lap 1:37.428 on lap 8 from the 99_ file, theoretical best 26.592 + 42.380 + 28.418 = 1:37.390 and top
/// speed 185.2 km/h from the 23_ file (a Python pass over its S1/S2/S3 and TOP_SPEED columns), vehicle
/// GR86-022-13 from the lap_end file (its rows carry vehicle_number 13). The format is in docs/report.md.
@Suite("Race report JSON format")
struct RaceReportJSONTests {
    static let carFragment = """
        {
          "carNumber": 13,
          "carLabel": "13",
          "vehicleIDs": ["GR86-022-13"],
          "lapsCompleted": 27,
          "bestLapMs": 97428,
          "bestLap": "1:37.428",
          "bestLapNumber": 8,
          "theoreticalBestMs": 97390,
          "theoreticalBest": "1:37.390",
          "topSpeedKph": 185.2,
          "finishingPosition": 1,
          "onTrackPosition": 1,
          "status": "Classified",
          "resultsLaps": 27
        }
        """

    static let weatherIssue = """
        {
          "file": "26_Weather_Race 1_Anonymized.CSV",
          "kind": "weather",
          "reason": "constant 0 track temperature (sensor absent)",
          "count": 1,
          "example": "row 2 field TRACK_TEMP: TRACK_TEMP is 0 in all 43 rows; read as missing"
        }
        """

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The keys of `expected` missing from `actual` or with another value (JSON numbers compared as numbers).
    static func contains(_ actual: [String: Any], _ expected: [String: Any]) -> [String] {
        expected.keys.sorted().filter { key in
            guard let value = actual[key] else { return true }
            return !same(value, expected[key]!)
        }
    }

    static func same(_ left: Any, _ right: Any) -> Bool {
        if let a = left as? String, let b = right as? String { return a == b }
        if let a = left as? [Any], let b = right as? [Any] {
            return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        }
        if let a = left as? NSNumber, let b = right as? NSNumber { return a.isEqual(to: b) }
        return false
    }

    @Test("barber R1: car 13 and a bad-row entry carry exactly the documented keys and the organisers' values")
    func pinned() throws {
        let report = try RaceReport.build(directory: TestData.trd("barber"), race: 1)
        let json = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        #expect(
            json.keys.sorted() == [
                "badRows", "cars", "directory", "files", "notes", "race", "resultsFile", "resultsKind", "track",
                "utcOffsetHours", "weather",
            ])
        #expect(json["track"] as? String == "barber" && json["race"] as? Int == 1)
        #expect(json["resultsKind"] as? String == "provisional")

        let cars = try #require(json["cars"] as? [[String: Any]])
        let car = try #require(cars.first { $0["carLabel"] as? String == "13" })
        #expect(Self.contains(car, try Self.object(Self.carFragment)) == [], "keys that differ")
        #expect(
            car.keys.sorted() == [
                "bestIntermediates", "bestLap", "bestLapMs", "bestLapNumber", "bestS1Ms", "bestS2Ms", "bestS3Ms",
                "carLabel", "carNumber", "cautionLaps", "cleanLaps", "consistencyMs", "finishingPosition",
                "gapToLeader", "greenLaps", "laps", "lapsCompleted", "meanCleanLapMs", "medianGreenLap",
                "medianGreenLapMs", "onTrackPosition", "pitLaps", "raceTimeMs", "resultsBestLapMs",
                "resultsBestLapNumber", "resultsLaps", "resultsTotalTimeMs", "s1DeltaMs", "s2DeltaMs", "s3DeltaMs",
                "status", "theoreticalBest", "theoreticalBestMs", "topSpeedKph", "vehicleIDs",
            ])
        #expect(car["entry"] == nil, "a unique label has no entry key")

        // One lap (lap 8, the best) and one best intermediate, key by key.
        let laps = try #require(car["laps"] as? [[String: Any]])
        let lap8 = try #require(laps.first { $0["lap"] as? Int == 8 })
        #expect(
            Self.contains(lap8, ["lap": 8, "lapTimeMs": 97_428, "flag": "GF", "pit": false, "topSpeedKph": 185.2])
                == [])
        #expect(
            lap8.keys.sorted() == [
                "elapsedMs", "flag", "intermediates", "lap", "lapTimeMs", "pit", "s1Ms", "s2Ms", "s3Ms", "topSpeedKph",
            ])
        let point = try #require((lap8["intermediates"] as? [[String: Any]])?.first)
        #expect(point.keys.sorted() == ["column", "elapsedMs", "point", "timeMs"])
        let best = try #require((car["bestIntermediates"] as? [[String: Any]])?.first)
        #expect(Self.contains(best, ["point": "IM1a", "timeMs": 16_843, "lap": 6]) == [])
        #expect(best.keys.sorted() == ["deltaMs", "lap", "point", "timeMs"])

        // Bad and ignored rows: one entry per file, kind and reason.
        let issues = try #require(json["badRows"] as? [[String: Any]])
        #expect(issues.allSatisfy { $0.keys.sorted() == ["count", "example", "file", "kind", "reason"] })
        let weather = try #require(issues.first { $0["kind"] as? String == "weather" })
        #expect(Self.contains(weather, try Self.object(Self.weatherIssue)) == [])
    }
}
