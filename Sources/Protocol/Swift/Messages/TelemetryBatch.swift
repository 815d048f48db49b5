import RaceDomain
import RoadSenseWireC

/// Request of `telemetry.ProcessLive`: the samples that arrived in one window of the feed.
public struct TelemetryBatch: Sendable, Equatable {
    public var samples: [TelemetrySample]
    public var windowStartMs: Int64
    public var windowEndMs: Int64
    /// Every lap so far, so the plugin can give each car its laps, last and best lap and position.
    public var laps: [LapRecord]

    public init(samples: [TelemetrySample], windowStartMs: Int64, windowEndMs: Int64, laps: [LapRecord] = []) {
        self.samples = samples
        self.windowStartMs = windowStartMs
        self.windowEndMs = windowEndMs
        self.laps = laps
    }
}

extension TelemetryBatch: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__TelemetryBatch> {
        CMessageCodec(
            roadsense__v1__telemetry_batch__init, roadsense__v1__telemetry_batch__get_packed_size,
            roadsense__v1__telemetry_batch__pack, roadsense__v1__telemetry_batch__unpack,
            roadsense__v1__telemetry_batch__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__TelemetryBatch, in arena: WireArena) {
        message.n_samples = samples.count
        message.samples = arena.messages(samples)
        message.window_start_ms = windowStartMs
        message.window_end_ms = windowEndMs
        message.n_laps = laps.count
        message.laps = arena.messages(laps)
    }

    init(unpacked message: Roadsense__V1__TelemetryBatch) throws {
        self.init(
            samples: try WireReader.messages(message.n_samples, message.samples),
            windowStartMs: message.window_start_ms, windowEndMs: message.window_end_ms,
            laps: try WireReader.messages(message.n_laps, message.laps))
    }
}
