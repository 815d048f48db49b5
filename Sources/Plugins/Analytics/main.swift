import PluginRuntime

// roadsense-analytics: per-car performance and the competitor picture from the laps so far.
PluginWorker.main(service: AnalyticsService())
