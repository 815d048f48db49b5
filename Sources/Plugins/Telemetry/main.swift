import PluginRuntime

// roadsense-telemetry: pivots live long-format telemetry into per-car frames, stores them and replies
// with each car's state.
PluginWorker.main(service: TelemetryService())
