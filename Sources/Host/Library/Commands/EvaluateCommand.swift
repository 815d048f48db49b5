import Foundation
import RaceDomain

/// `roadsense evaluate DIR…`: leave-one-race-out evaluation of the pace model over the races in the
/// directories, printed as a Markdown table (per race and overall) with the targets checked.
struct EvaluateCommand {
    var directories: [URL]

    static func parse(_ cursor: inout ArgumentCursor) throws -> EvaluateCommand {
        var directories: [URL] = []
        while let argument = cursor.next() {
            guard !argument.hasPrefix("-") else { throw HostError(.usage, "unknown option '\(argument)' for evaluate") }
            directories.append(URL(fileURLWithPath: argument, isDirectory: true))
        }
        guard !directories.isEmpty else {
            throw HostError(.usage, "evaluate needs race directories: roadsense evaluate DIR…")
        }
        return EvaluateCommand(directories: directories)
    }

    func execute() throws -> Int32 {
        let races: [HistoricalRace]
        do {
            races = try HistoricalRace.loadAll(directories: directories, ledger: RowIssueLedger())
        } catch let error as TRDError {
            throw HostError(.badInput, error.description)
        }
        guard races.count >= 2 else {
            throw HostError(.badInput, "evaluate needs at least 2 races to leave one out, found \(races.count)")
        }
        let evaluation = PaceEvaluation.leaveOneRaceOut(races: races)
        print(evaluation.markdown())
        print()
        print("Stricter baselines (green racing laps only), next 5 laps:")
        print()
        print(evaluation.strictMarkdown())
        print()
        let five = evaluation.overallNextFive
        let greenOrigin = evaluation.overallNextFiveGreenOrigin
        let mae = String(format: "%+.1f %%", five.change * 100)
        let cover = String(format: "%.1f %%", five.coverage * 100)
        let maeTarget = five.change <= -0.15 ? "met" : "NOT met"
        let coverTarget = (0.75...0.85).contains(five.coverage) ? "met" : "NOT met"
        print("next-5-laps MAE vs the better baseline: \(mae) (target ≤ −15 %: \(maeTarget))")
        print("80 % interval coverage, next 5 laps: \(cover) (target 75–85 %: \(coverTarget))")
        print(
            String(
                format: "origin not a caution lap: %+.1f %% vs the better baseline, %+.1f %% vs the better green-lap"
                    + " baseline, coverage %.1f %%",
                greenOrigin.change * 100, greenOrigin.strictChange * 100, greenOrigin.coverage * 100))
        return 0
    }
}
