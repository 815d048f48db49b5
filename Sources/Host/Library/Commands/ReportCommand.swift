import Foundation
import RaceDomain

/// `roadsense report DIR [--race N] [--json]`: the post-race review of one race's organiser files,
/// computed without starting the host (best laps, theoretical best, top speed, finishing order,
/// green/caution laps, pit laps, weather, bad rows per file).
struct ReportCommand {
    var directory: URL
    var race: Int
    var json: Bool

    static func parse(_ cursor: inout ArgumentCursor) throws -> ReportCommand {
        var directory: String?
        var race = 1
        var json = false
        while let argument = cursor.next() {
            switch argument {
            case "--race": race = try cursor.integer(for: argument, in: 1...99)
            case "--json": json = true
            default:
                guard !argument.hasPrefix("--"), directory == nil else {
                    throw HostError(.usage, "unknown option '\(argument)' for report")
                }
                directory = argument
            }
        }
        guard let directory, !directory.isEmpty else {
            throw HostError(.usage, "report needs a race directory: roadsense report DIR [--race N] [--json]")
        }
        return ReportCommand(directory: URL(fileURLWithPath: directory, isDirectory: true), race: race, json: json)
    }

    func execute() throws -> Int32 {
        let report: RaceReport
        do {
            report = try RaceReport.build(directory: directory, race: race)
        } catch let error as TRDError {
            throw HostError(.badInput, error.description)
        }
        if json {
            Console.write(String(decoding: try report.json(), as: UTF8.self) + "\n")
        } else {
            print(report.text())
        }
        return 0
    }
}
