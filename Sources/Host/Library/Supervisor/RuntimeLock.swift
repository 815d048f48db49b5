import Foundation

/// An exclusive `flock` on `RUNTIME/host.lock`, held for the host's life, so a second host on the same
/// runtime directory refuses to start instead of stealing the first one's ipc sockets.
final class RuntimeLock {
    private let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    static func acquire(directory: String) throws -> RuntimeLock {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw HostError(.badConfiguration, "cannot create runtime directory \(directory): \(error)")
        }
        let path = directory + "/host.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw HostError(.badConfiguration, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buffer, 31)
            let pid = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : "?"
            close(fd)
            throw HostError(
                .alreadyRunning,
                "another roadsense host (pid \(pid)) is using \(directory); stop it, or give this one its own "
                    + "--runtime-dir")
        }
        ftruncate(fd, 0)
        let text = Array("\(getpid())".utf8)
        _ = write(fd, text, text.count)
        return RuntimeLock(fd: fd, path: path)
    }

    /// The pid of the host running on `directory`, read from its lock file, when that process is alive; nil
    /// when no host has run there or the last one has gone. Reads only (no lock is taken, so a host starting
    /// at this instant is not disturbed).
    static func runningHost(directory: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: directory + "/host.lock"),
            let pid = Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            pid > 0
        else { return nil }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
