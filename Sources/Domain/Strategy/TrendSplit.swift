/// The within-race lap-time trend split into a field-wide race-lap term and a tyre-age term, estimated jointly
/// over every car of every training race (`PaceTrainer.trendSplit`).
///
/// Clean laps (green, not lap 1, not a restart lap, not an in- or out-lap, within 107 % of the car's median) as
/// fractions of the car's median: `relative = α_car + raceLap · lap + tyreAge · age + ε`, one intercept per car and
/// race, one `raceLap` (fuel burn and track evolution, the same for the whole field) and one `tyreAge` for all.
/// Every car informs the sum `raceLap + tyreAge`; only a car that stopped (its tyre age restarts, its race lap does
/// not) tells the two apart. Standard errors are cluster-robust by car (laps of one car are not independent).
public struct TrendSplit: Sendable, Equatable, Codable {
    /// Per race lap (fraction of a lap), and its standard error.
    public var raceLapPerLap: Double
    public var raceLapSE: Double
    /// Per lap of tyre age (fraction of a lap), and its standard error.
    public var tyreAgePerLap: Double
    public var tyreAgeSE: Double
    /// Correlation of race lap and tyre age after each car's mean is taken out: 1 = no stop anywhere.
    public var correlation: Double
    public var cars: Int
    public var carsWithStop: Int
    public var laps: Int

    public init(
        raceLapPerLap: Double, raceLapSE: Double, tyreAgePerLap: Double, tyreAgeSE: Double, correlation: Double,
        cars: Int, carsWithStop: Int, laps: Int
    ) {
        self.raceLapPerLap = raceLapPerLap
        self.raceLapSE = raceLapSE
        self.tyreAgePerLap = tyreAgePerLap
        self.tyreAgeSE = tyreAgeSE
        self.correlation = correlation
        self.cars = cars
        self.carsWithStop = carsWithStop
        self.laps = laps
    }

    /// The tyre term is told apart from the race-lap term: at least 5 cars stopped, and its estimate is more than
    /// two standard errors from zero.
    public var separates: Bool { carsWithStop >= 5 && tyreAgeSE > 0 && abs(tyreAgePerLap) > 2 * tyreAgeSE }
}
