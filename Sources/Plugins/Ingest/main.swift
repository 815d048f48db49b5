import PluginRuntime

// roadsense-ingest: stores the new rows of external TRD telemetry and weather files.
PluginWorker.main(service: IngestService())
