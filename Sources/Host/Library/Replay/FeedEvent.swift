import RaceDomain

/// One thing that happened on the race feed, at its UTC time.
enum FeedEvent {
    case sample(TelemetrySample)
    case lap(LapRecord)
    case lapEnd(LapEvent)
    case weather(WeatherSample)

    var timeMs: Int64 {
        switch self {
        case .sample(let s): s.metaTimeMs
        case .lap(let l): l.crossedMs
        case .lapEnd(let e): e.timestampMs
        case .weather(let w): w.timeMs
        }
    }
}
