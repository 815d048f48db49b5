/// The end-of-replay summary the host prints and broadcasts.
public struct RunSummary: Sendable, Equatable {
    public var cars: Int
    public var laps: Int
    public var samples: Int
    public var callsDispatched: Int
    public var callsFailed: Int
    public var predictions: Int
    public var alertsInfo: Int
    public var alertsWarning: Int
    public var alertsCritical: Int
    public var rowsStored: Int
    public var badRows: [BadRowCount]
    public var wallSeconds: Double

    public init(
        cars: Int = 0, laps: Int = 0, samples: Int = 0, callsDispatched: Int = 0, callsFailed: Int = 0,
        predictions: Int = 0, alertsInfo: Int = 0, alertsWarning: Int = 0, alertsCritical: Int = 0,
        rowsStored: Int = 0, badRows: [BadRowCount] = [], wallSeconds: Double = 0
    ) {
        self.cars = cars
        self.laps = laps
        self.samples = samples
        self.callsDispatched = callsDispatched
        self.callsFailed = callsFailed
        self.predictions = predictions
        self.alertsInfo = alertsInfo
        self.alertsWarning = alertsWarning
        self.alertsCritical = alertsCritical
        self.rowsStored = rowsStored
        self.badRows = badRows
        self.wallSeconds = wallSeconds
    }
}
