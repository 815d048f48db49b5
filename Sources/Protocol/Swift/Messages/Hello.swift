import RoadSenseWireC

/// Plugin to host, the first message after connecting (`roadsense.v1.Hello`).
public struct Hello: Sendable, Equatable {
    /// Service name, e.g. `telemetry`.
    public var plugin: String
    /// Unique per process start.
    public var instanceID: String
    public var pid: UInt32
    /// Fully qualified methods served, e.g. `telemetry.ProcessLive`.
    public var methods: [String]
    /// How many calls the plugin may hold at once (>= 1).
    public var credits: UInt32
    public var version: String

    public init(plugin: String, instanceID: String, pid: UInt32, methods: [String], credits: UInt32, version: String) {
        self.plugin = plugin
        self.instanceID = instanceID
        self.pid = pid
        self.methods = methods
        self.credits = credits
        self.version = version
    }
}

extension Hello: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__Hello> {
        CMessageCodec(
            roadsense__v1__hello__init, roadsense__v1__hello__get_packed_size, roadsense__v1__hello__pack,
            roadsense__v1__hello__unpack, roadsense__v1__hello__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__Hello, in arena: WireArena) {
        message.plugin = arena.string(plugin)
        message.instance_id = arena.string(instanceID)
        message.pid = pid
        message.n_methods = methods.count
        message.methods = arena.strings(methods)
        message.credits = credits
        message.version = arena.string(version)
    }

    init(unpacked message: Roadsense__V1__Hello) {
        self.init(
            plugin: WireReader.string(message.plugin), instanceID: WireReader.string(message.instance_id),
            pid: message.pid, methods: WireReader.strings(message.n_methods, message.methods),
            credits: message.credits, version: WireReader.string(message.version))
    }
}
