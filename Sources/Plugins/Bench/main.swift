import PluginRuntime

// roadsense-bench: work of a known shape (no-op, sleep, fail, hang) for load tests, failure tests and
// `roadsense bench`.
PluginWorker.main(service: BenchService())
