import Foundation
import RaceDomain
import Testing

/// The pace model shipped with the build (`Sources/Plugins/Runtime/Resources/pace-model.json`, what the strategy and
/// simulation plugins load by default) is what `PaceTrainer` fits on all 14 races of the organisers' data today:
/// retrain it when the trainer changes (the command is in that folder's README).
@Suite("Shipped pace model")
struct ShippedModelTests {
    @Test("the shipped model equals PaceTrainer's fit on the 14 races")
    func shippedModelIsCurrent() throws {
        let source = TestPaths.repository.appendingPathComponent("Sources/Plugins/Runtime/Resources/pace-model.json")
        let shipped = try PaceModel.load(source.path)
        let tracks = ["barber", "cota", "indianapolis", "road-america", "sebring", "sonoma", "vir"]
        let races = try HistoricalRace.loadAll(
            directories: tracks.map { TestPaths.sharedTRD.appendingPathComponent($0) }, ledger: RowIssueLedger())
        #expect(races.count == 14)
        let trained = PaceTrainer().train(races: races)
        #expect(shipped == trained, "retrain it: see Sources/Plugins/Runtime/Resources/README.md")
        #expect(shipped.version == "pace-rls v2 (14 races, 5144 clean laps)")
    }
}
