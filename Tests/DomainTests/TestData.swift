import Foundation

/// Paths to the real TRD data (`../shared/data/trd` next to the repository) and the committed excerpt.
enum TestData {
    /// Repository root: two levels above this file (`Tests/DomainTests/TestData.swift`).
    static let repoRoot: URL = {
        let file = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    static let trd = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data/trd", isDirectory: true)
    static let excerpt = repoRoot.appendingPathComponent("Tests/Fixtures/barber-r1-excerpt", isDirectory: true)

    static func trd(_ relative: String) -> URL { trd.appendingPathComponent(relative) }
    static func excerpt(_ name: String) -> URL { excerpt.appendingPathComponent(name) }

    /// Writes `text` to a fresh temporary file and returns its URL.
    static func temporaryFile(_ name: String, _ text: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("domain-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }
}
