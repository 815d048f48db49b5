import PluginRuntime

// roadsense-maintenance: retention deletes of old telemetry and old alerts.
PluginWorker.main(service: MaintenanceService())
