import Foundation
import Glibc

/// Key files as `roadsense keygen` writes them: the Z85 key alone on a line. Blank lines and lines
/// starting with `#` are ignored, so a file may carry a comment saying whose key it is.
///
/// An allowlist file holds one public key per line, optionally followed by a label (`KEY  pit-laptop`).
public enum CurveKeyFile {
    /// The key in a `.key` or `.pub` file. A secret key file readable by group or others is refused:
    /// anyone who can read it can pose as its owner.
    public static func read(_ path: String, secret: Bool) throws -> CurveKey {
        let entries = try entries(path)
        guard let first = entries.first else { throw CurveKeyError("\(path): no key in the file") }
        guard entries.count == 1 else {
            throw CurveKeyError("\(path), line \(entries[1].line): more than one key in a single-key file")
        }
        if secret {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0
            guard mode & 0o077 == 0 else {
                throw CurveKeyError(
                    "\(path): a secret key must be readable by its owner only (mode \(String(mode, radix: 8))); "
                        + "run chmod 600 \(path)")
            }
        }
        return first.key
    }

    /// The key named by `text`: the Z85 key itself when it is one, else the file at that path.
    public static func keyOrFile(_ text: String) throws -> CurveKey {
        if let key = try? CurveKey(z85: text) { return key }
        guard FileManager.default.fileExists(atPath: text) else {
            throw CurveKeyError("'\(text)' is neither a 40-character Z85 key nor an existing key file")
        }
        return try read(text, secret: false)
    }

    /// The keys of an allowlist file, each with its line number and optional label.
    public static func entries(_ path: String) throws -> [(key: CurveKey, label: String, line: Int)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CurveKeyError("\(path): cannot read the key file (missing or unreadable)")
        }
        var found: [(key: CurveKey, label: String, line: Int)] = []
        for (index, raw) in String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", maxSplits: 1)
            do {
                let key = try CurveKey(z85: String(fields[0]))
                found.append((key, fields.count > 1 ? fields[1].trimmingCharacters(in: .whitespaces) : "", index + 1))
            } catch let error as CurveKeyError {
                throw CurveKeyError("\(path), line \(index + 1): \(error.description)")
            }
        }
        return found
    }

    /// The public keys of every `*.pub` file in `directory`, labelled with the file name.
    public static func directory(_ directory: String) throws -> [(key: CurveKey, label: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CurveKeyError("\(directory): cannot list the allowed-keys directory: \(error.localizedDescription)")
        }
        return try names.filter { $0.hasSuffix(".pub") }.sorted().map { name in
            (try read(directory + "/" + name, secret: false), String(name.dropLast(4)))
        }
    }

    /// Writes `key` to `path` (mode 0600 for a secret, 0644 for a public key); refuses to replace an
    /// existing file unless `overwrite`.
    public static func write(_ key: CurveKey, to path: String, secret: Bool, overwrite: Bool) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard overwrite else { throw CurveKeyError("\(path) already exists; pass --force to replace it") }
            try? manager.removeItem(atPath: path)
        }
        // Created with its final mode (O_EXCL, no umask race), so a secret is never readable by others.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0o600 : 0o644)
        guard fd >= 0 else {
            throw CurveKeyError("\(path): cannot create the key file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array((key.z85 + "\n").utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count, fchmod(fd, secret ? 0o600 : 0o644) == 0 else {
            throw CurveKeyError("\(path): cannot write the key file: \(String(cString: strerror(errno)))")
        }
    }
}
