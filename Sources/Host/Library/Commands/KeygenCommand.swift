import Foundation
import RoadSenseProtocol

/// `roadsense keygen [--out DIR] [--name NAME] [--force]`: writes a CURVE key pair as `NAME.key` (secret,
/// mode 0600) and `NAME.pub` (public) and prints the public key.
struct KeygenCommand {
    var directory: String
    var name: String
    var force: Bool

    static func parse(_ cursor: inout ArgumentCursor) throws -> KeygenCommand {
        var command = KeygenCommand(directory: ".", name: "roadsense", force: false)
        while let argument = cursor.next() {
            switch argument {
            case "--out": command.directory = try cursor.value(for: argument)
            case "--name": command.name = try cursor.value(for: argument)
            case "--force": command.force = true
            default: throw HostError(.usage, "unknown option '\(argument)' for keygen")
            }
        }
        guard !command.name.isEmpty, !command.name.contains("/"), !command.name.hasPrefix(".") else {
            throw HostError(
                .usage, "--name must be a plain file name (no '/', not starting with '.'), got '\(command.name)'")
        }
        return command
    }

    var secretPath: String { directory + "/" + name + ".key" }
    var publicPath: String { directory + "/" + name + ".pub" }

    /// Writes both files (the secret first: a `.pub` never exists without its `.key`); returns the pair.
    @discardableResult
    func generate() throws -> CurveKeyPair {
        do {
            let pair = try CurveKeyPair.generate()
            if !force {
                for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
                    throw CurveKeyError("\(path) already exists; pass --force to replace the key pair")
                }
            }
            try CurveKeyFile.write(pair.secretKey, to: secretPath, secret: true, overwrite: force)
            try CurveKeyFile.write(pair.publicKey, to: publicPath, secret: false, overwrite: force)
            return pair
        } catch let error as CurveKeyError {
            throw HostError(.usage, "keygen: \(error.description)")
        }
    }

    func execute() throws -> Int32 {
        let pair = try generate()
        Console.error("wrote \(secretPath) (secret, mode 0600: keep it on this machine) and \(publicPath)\n")
        print(pair.publicKey.z85)
        return 0
    }
}
