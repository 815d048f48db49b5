import Foundation
import RaceDomain
import Testing

/// `roadsense train` as a process on a subset of the organisers' races: the file it writes loads, and its figures are
/// the `PaceTrainer` fit computed here on the same races.
@Suite("roadsense train")
struct TrainCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = TestPaths.binaries.appendingPathComponent("roadsense")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test("train on Barber and Sebring writes a model that loads and equals PaceTrainer's fit on the same races")
    func trainsWhatTheTrainerFits() throws {
        let directories = ["barber", "sebring"].map { TestPaths.sharedTRD.appendingPathComponent($0) }
        let output = try TestPaths.temporaryDirectory("train").appendingPathComponent("pace.json")
        let run = try Self.run(["train"] + directories.map(\.path) + ["-o", output.path])
        #expect(run.status == 0, "train exited \(run.status): \(run.stderr)")

        let model = try PaceModel.load(output.path)
        let races = try HistoricalRace.loadAll(directories: directories, ledger: RowIssueLedger())
        let expected = PaceTrainer().train(races: races)
        #expect(model == expected)
        #expect(model.trainedOn == ["barber R1", "barber R2", "sebring R1", "sebring R2"])
        #expect(run.stdout.hasPrefix("wrote \(output.path): \(expected.version)"), "\(run.stdout)")
        #expect(run.stdout.contains(String(format: "forgetting %.2f", expected.forgetting)))
        #expect(run.stdout.contains("field-wide race-lap term"))
    }

    @Test("train without an output file, or on a folder without races, is refused with what is wrong, exit 2")
    func refusals() throws {
        let noOutput = try Self.run(["train", TestPaths.sharedTRD.appendingPathComponent("barber").path])
        #expect(noOutput.status == 2 && noOutput.stderr.contains("-o MODEL"), "\(noOutput.stderr)")
        let empty = try TestPaths.temporaryDirectory("no-races")
        let noRaces = try Self.run(["train", empty.path, "-o", empty.appendingPathComponent("m.json").path])
        #expect(noRaces.status == 2 && noRaces.stderr.contains(empty.lastPathComponent), "\(noRaces.stderr)")
    }
}
