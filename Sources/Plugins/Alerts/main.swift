import PluginRuntime

// roadsense-alerts: threshold, stuck-sensor, brake-imbalance, lap- and sector-time, stale-feed, weather and caution
// rules with severities, hysteresis and escalation (docs/alerts.md).
PluginWorker.main(service: AlertsService())
