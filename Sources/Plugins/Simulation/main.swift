import PluginRuntime

// roadsense-simulation: Monte Carlo of the rest of the race from the pace model, per car without a stop and with a
// stop at its best pit-window lap; finishing-position distributions and runs per second.
PluginWorker.main(service: SimulationService())
