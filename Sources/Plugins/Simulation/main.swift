import PluginRuntime

// roadsense-simulation: Monte Carlo of finishing positions from lap-time spreads.
PluginWorker.main(service: SimulationService())
