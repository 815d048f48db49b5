import Foundation
import RaceDomain

/// `roadsense train DIR… -o MODEL`: fits the pace model's priors from finished races' organiser files
/// (every race in each directory) and writes them as JSON.
struct TrainCommand {
    var directories: [URL]
    var output: String

    static func parse(_ cursor: inout ArgumentCursor) throws -> TrainCommand {
        var directories: [URL] = []
        var output: String?
        while let argument = cursor.next() {
            switch argument {
            case "-o", "--output": output = try cursor.value(for: argument)
            default:
                guard !argument.hasPrefix("-") else {
                    throw HostError(.usage, "unknown option '\(argument)' for train")
                }
                directories.append(URL(fileURLWithPath: argument, isDirectory: true))
            }
        }
        guard !directories.isEmpty, let output else {
            throw HostError(.usage, "train needs race directories and an output file: roadsense train DIR… -o MODEL")
        }
        // Checked before the minutes of training, not after.
        let folder = (output as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            throw HostError(
                .badInput, "train -o \(output): the directory \(folder) does not exist; create it (mkdir -p \(folder))")
        } else if !folder.isEmpty, !isDirectory.boolValue {
            throw HostError(.badInput, "train -o \(output): \(folder) is not a directory")
        }
        return TrainCommand(directories: directories, output: output)
    }

    func execute() throws -> Int32 {
        let ledger = RowIssueLedger()
        let model: PaceModel
        do {
            let races = try HistoricalRace.loadAll(directories: directories, ledger: ledger)
            model = PaceTrainer().train(races: races)
            try model.write(to: output)
        } catch let error as TRDError {
            throw HostError(.badInput, error.description)
        }
        print("wrote \(output): \(model.version)")
        print("  races: \(model.trainedOn.joined(separator: ", "))")
        print(
            String(
                format: "  trend %+.3f %%/lap (prior sd %.3f %%), noise %.2f %%, tyre share %.2f, forgetting %.2f",
                model.trendPerLap * 100, model.trendPriorSD * 100, model.noiseScale * 100, model.tyreShare,
                model.forgetting))
        let caution = model.cautionPitLoss.map { String(format: "%.1f %% (%d stops)", $0 * 100, model.cautionPitStops) }
        print(
            String(
                format: "  restart lap +%.1f %%, pit loss %.1f %% ± %.1f %% of a lap (%d stops), under caution %@",
                model.restartPenalty * 100, model.pitLoss * 100, model.pitLossSD * 100, model.pitStops,
                caution ?? "not measured"))
        if ledger.total > 0 { print("  bad rows: \(ledger.total) (counted, left out)") }
        return 0
    }
}
