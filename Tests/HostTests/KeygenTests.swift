import Foundation
import RoadSenseProtocol
import Testing

/// `roadsense keygen`, run as the operator runs it.
@Suite("roadsense keygen")
struct KeygenTests {
    func mode(_ path: String) throws -> Int {
        try #require((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    @Test("writes NAME.key (0600) and NAME.pub (0644) whose public key is the secret's and prints it")
    func writesPair() throws {
        let directory = try TestPaths.temporaryDirectory("keygen").path
        let result = try RemoteWorkerTests.keygen(["--out", directory, "--name", "pit-laptop"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try mode(directory + "/pit-laptop.key") == 0o600)
        #expect(try mode(directory + "/pit-laptop.pub") == 0o644)

        let secret = try CurveKeyFile.read(directory + "/pit-laptop.key", secret: true)
        let published = try CurveKeyFile.read(directory + "/pit-laptop.pub", secret: false)
        #expect(try CurveKeyPair(secretKey: secret).publicKey == published)
        #expect(result.stdout == published.z85 + "\n")
    }

    @Test("refuses to replace an existing pair unless --force, which writes a new one")
    func refusesOverwrite() throws {
        let directory = try TestPaths.temporaryDirectory("keygen").path
        let first = try RemoteWorkerTests.keygen(["--out", directory, "--name", "host"])
        let again = try RemoteWorkerTests.keygen(["--out", directory, "--name", "host"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("\(directory)/host.key already exists; pass --force"))
        #expect(try CurveKeyFile.read(directory + "/host.pub", secret: false).z85 + "\n" == first.stdout)

        let forced = try RemoteWorkerTests.keygen(["--out", directory, "--name", "host", "--force"])
        #expect(forced.status == 0)
        #expect(forced.stdout != first.stdout)
        #expect(try CurveKeyFile.read(directory + "/host.pub", secret: false).z85 + "\n" == forced.stdout)
        #expect(try mode(directory + "/host.key") == 0o600)
    }

    @Test("a name with a slash is refused before anything is written")
    func refusesPathName() throws {
        let directory = try TestPaths.temporaryDirectory("keygen").path
        let result = try RemoteWorkerTests.keygen(["--out", directory, "--name", "../escape"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--name must be a plain file name"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
