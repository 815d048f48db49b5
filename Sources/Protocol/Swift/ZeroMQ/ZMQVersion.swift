import CZeroMQ

/// The libzmq the process is linked against.
public enum ZMQVersion {
    public static var components: (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }

    /// E.g. `4.3.4`.
    public static var string: String {
        let version = components
        return "\(version.major).\(version.minor).\(version.patch)"
    }
}
