import PluginRuntime

// roadsense-strategy: per car, the pace model's tyre degradation, next laps with 80 % intervals, and the pit window
// under green and under a caution.
PluginWorker.main(service: StrategyService())
