import Foundation

/// Paths the host tests need: the repository, the committed excerpt, the built executables and a
/// private temporary directory per test.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let excerpt = repository.appendingPathComponent("Tests/Fixtures/barber-r1-excerpt")

    static let sharedTRD = repository.deletingLastPathComponent().appendingPathComponent("shared/data/trd")

    /// The directory holding the test bundle also holds `roadsense` and the plugin executables.
    static var binaries: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The pace model the strategy and simulation plugins load when given none: the repository's copy, as built
    /// next to the executables.
    static var shippedModel: URL {
        binaries.appendingPathComponent("RoadSense_PluginRuntime.resources/pace-model.json")
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("roadsense-test-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
