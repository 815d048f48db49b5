import PluginRuntime

// roadsense-alerts: threshold, lap-time-drop, stale-feed and caution rules with severities.
PluginWorker.main(service: AlertsService())
