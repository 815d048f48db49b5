import PluginRuntime

// roadsense-weather: stores new weather readings and reports the conditions: latest per sensor, trends, rain.
PluginWorker.main(service: WeatherService())
