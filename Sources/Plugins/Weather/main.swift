import PluginRuntime

// roadsense-weather: stores new weather readings and reports the latest with the track-temperature trend.
PluginWorker.main(service: WeatherService())
