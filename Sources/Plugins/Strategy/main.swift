import PluginRuntime

// roadsense-strategy: tyre-degradation slope, next-lap forecast and pit window per car.
PluginWorker.main(service: StrategyService())
