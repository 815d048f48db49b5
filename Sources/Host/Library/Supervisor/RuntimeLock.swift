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

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
