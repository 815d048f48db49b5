/// One of a car's ten best laps in a `99_Best 10 Laps` file.
public struct BestLap: Sendable, Equatable {
    public var lapTimeMs: Int64
    public var lapNumber: Int

    public init(lapTimeMs: Int64, lapNumber: Int) {
        self.lapTimeMs = lapTimeMs
        self.lapNumber = lapNumber
    }
}
