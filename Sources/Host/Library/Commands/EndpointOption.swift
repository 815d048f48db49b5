/// An endpoint given on the command line (`--endpoint`): ZeroMQ takes `ipc://PATH` or `tcp://HOST:PORT`
/// here; anything else is refused at once with what is expected, not with libzmq's "Invalid argument".
enum EndpointOption {
    static func check(_ endpoint: String, option: String) throws {
        let ipc = endpoint.hasPrefix("ipc://") && endpoint.count > "ipc://".count
        let tcp = endpoint.hasPrefix("tcp://") && endpoint.dropFirst("tcp://".count).contains(":")
        guard ipc || tcp else {
            throw HostError(
                .usage,
                "\(option) '\(endpoint)' is not an endpoint: expected ipc://PATH (e.g. ipc:///run/roadsense/updates.ipc)"
                    + " or tcp://HOST:PORT (e.g. tcp://10.0.0.5:5556)")
        }
    }
}
