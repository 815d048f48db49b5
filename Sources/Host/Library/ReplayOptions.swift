import Foundation

/// `roadsense run --replay DIR [--race N] [--speed N]`.
public struct ReplayOptions: Sendable {
    public var directory: URL
    public var race: Int
    public var speed: Double

    public init(directory: URL, race: Int = 1, speed: Double = 30) {
        self.directory = directory
        self.race = race
        self.speed = speed
    }
}
