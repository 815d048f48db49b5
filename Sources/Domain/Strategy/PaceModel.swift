import Foundation

/// The pace model's priors, fitted from finished races by `PaceTrainer` and written as JSON.
///
/// Lap times are modelled per car and per stint (laps since the car's last stop) as
/// `level + slope · tyreAge`, fitted online by `StintPaceFilter`. The priors here are in
/// fractions of the car's lap time so that one model serves every track: `trendPerLap` 0.001
/// means 0.1 % slower per lap (about 100 ms on a 100 s lap).
public struct PaceModel: Sendable, Equatable, Codable {
    /// The JSON layout this code reads and writes; a file with another number is refused.
    public static let formatVersion = 2
    public static let name = "pace-rls"

    /// Residual quantiles of the forecast `horizon` laps ahead: for green laps in units of the car's interval scale
    /// (`StintPaceFilter.intervalScaleMs`), for the restart lap as fractions of the forecast.
    public struct HorizonQuantiles: Sendable, Equatable, Codable {
        public var horizon: Int
        /// 10th and 90th percentile of (actual − forecast) / scale (green) or / forecast (restart): the 80 % interval.
        public var q10: Double
        public var q90: Double
        /// How many training forecasts they were measured on.
        public var count: Int

        public init(horizon: Int, q10: Double, q90: Double, count: Int) {
            self.horizon = horizon
            self.q10 = q10
            self.q90 = q90
            self.count = count
        }
    }

    public var formatVersion: Int
    /// `pace-rls`.
    public var name: String
    /// Races the priors were fitted on (`barber R1`, …).
    public var trainedOn: [String]
    /// Clean laps the trend and noise were measured on.
    public var cleanLaps: Int
    /// Weight kept by each older lap at every new lap (exponential forgetting, 1 = none).
    public var forgetting: Double
    /// Prior mean of the within-stint slope (fuel burn, track evolution and tyre wear together), per lap.
    public var trendPerLap: Double
    /// Prior standard deviation of that slope, per lap.
    public var trendPriorSD: Double
    /// Part of the slope that a stop resets (tyre wear); the rest (fuel, track) carries on.
    public var tyreShare: Double
    /// How much slower the first green lap after a caution is, as a fraction (median).
    public var restartPenalty: Double
    /// Robust standard deviation (1.4826 · MAD) of clean-lap residuals, as a fraction.
    public var noiseScale: Double
    /// Huber tuning constant, in noise scales: residuals beyond it get weight k·s/|r|.
    public var huberK: Double
    /// Residuals beyond this many noise scales are left out as traffic or incidents.
    public var outlierK: Double
    /// Median pit-stop time loss under green (in-lap + out-lap over the car's green median), as a fraction.
    public var pitLoss: Double
    /// Spread of those losses (1.4826 · MAD), as a fraction.
    public var pitLossSD: Double
    /// The same loss for stops whose in-lap ended under caution, measured against the caution laps
    /// of the field; nil when the training races hold no such stop.
    public var cautionPitLoss: Double?
    /// Stops measured (green, caution).
    public var pitStops: Int
    public var cautionPitStops: Int
    /// 80 % interval of green-flag forecasts, horizons 1…n (the last applies beyond n), in interval scales.
    public var quantiles: [HorizonQuantiles]
    /// Weight, in laps, of the model's noise against the car's own spread in the interval scale.
    public var intervalPriorLaps: Double
    /// The trend split into a field-wide race-lap term and a tyre-age term (nil: not estimated).
    public var trendSplit: TrendSplit?
    /// 80 % interval of the forecast of the first lap after a caution (the restart lap).
    public var restartQuantiles: HorizonQuantiles
    /// Probability that a green lap is followed by a caution lap, and the mean caution length in laps.
    public var cautionStartRate: Double
    public var cautionLength: Double

    /// `pace-rls v2 (14 races, 5144 clean laps)`; `pace-rls v2 built-in prior (trained on no race)` for
    /// `builtInPrior`.
    public var version: String {
        trainedOn.isEmpty
            ? "\(name) v\(formatVersion) built-in prior (trained on no race)"
            : "\(name) v\(formatVersion) (\(trainedOn.count) races, \(cleanLaps) clean laps)"
    }

    /// The priors used when no trained model is at hand, written down rather than trained: no trend (± 0.05 % per
    /// lap), lap noise 0.6 % of a lap, forgetting 0.8, restart lap +25 %, a stop costs 55 % ± 40 % of a lap (no
    /// caution figure), cautions start on 5 % of green laps and last 2.5 laps; green intervals ±1.28 noise scales
    /// (a normal 80 %) widening by a fifth per lap ahead, restart lap −8 % / +17 %. These are round values of the
    /// order that training on the 14 GR Cup races gives (docs/strategy-evaluation.md), not a fit.
    public static let builtInPrior = PaceModel(
        trainedOn: [], cleanLaps: 0, forgetting: 0.8, trendPerLap: 0, trendPriorSD: 0.0005, tyreShare: 1,
        restartPenalty: 0.25, noiseScale: 0.006, pitLoss: 0.55, pitLossSD: 0.4, cautionPitLoss: nil, pitStops: 0,
        cautionPitStops: 0,
        quantiles: (1...5).map { horizon in
            let width = 1.2816 * (1 + 0.2 * Double(horizon - 1))
            return HorizonQuantiles(horizon: horizon, q10: -width, q90: width, count: 0)
        },
        restartQuantiles: HorizonQuantiles(horizon: 1, q10: -0.08, q90: 0.17, count: 0), cautionStartRate: 0.05,
        cautionLength: 2.5)

    /// The 80 % interval quantiles for `horizon` laps ahead (the longest trained horizon beyond it).
    public func quantiles(horizon: Int) -> HorizonQuantiles {
        quantiles.first { $0.horizon == horizon } ?? quantiles.last ?? restartQuantiles
    }

    public init(
        trainedOn: [String], cleanLaps: Int, forgetting: Double, trendPerLap: Double, trendPriorSD: Double,
        tyreShare: Double, restartPenalty: Double, noiseScale: Double, huberK: Double = 1.345,
        outlierK: Double = 5, pitLoss: Double, pitLossSD: Double, cautionPitLoss: Double?, pitStops: Int,
        cautionPitStops: Int, quantiles: [HorizonQuantiles], restartQuantiles: HorizonQuantiles,
        cautionStartRate: Double, cautionLength: Double, intervalPriorLaps: Double = 5, trendSplit: TrendSplit? = nil
    ) {
        self.formatVersion = PaceModel.formatVersion
        self.name = PaceModel.name
        self.trainedOn = trainedOn
        self.cleanLaps = cleanLaps
        self.forgetting = forgetting
        self.trendPerLap = trendPerLap
        self.trendPriorSD = trendPriorSD
        self.tyreShare = tyreShare
        self.restartPenalty = restartPenalty
        self.noiseScale = noiseScale
        self.huberK = huberK
        self.outlierK = outlierK
        self.pitLoss = pitLoss
        self.pitLossSD = pitLossSD
        self.cautionPitLoss = cautionPitLoss
        self.pitStops = pitStops
        self.cautionPitStops = cautionPitStops
        self.quantiles = quantiles
        self.restartQuantiles = restartQuantiles
        self.cautionStartRate = cautionStartRate
        self.cautionLength = cautionLength
        self.intervalPriorLaps = intervalPriorLaps
        self.trendSplit = trendSplit
    }

    // MARK: - File

    /// Reads a model file written by `write(to:)`.
    /// - Throws: `TRDError` `.fileMissing`, `.unreadable`, or `.badModel` (not JSON of this layout, or
    ///   another `formatVersion`), naming the file.
    public static func load(_ path: String) throws -> PaceModel {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TRDError(
                code: .fileMissing, reason: "pace model file not found", file: path,
                remedy: "write one with: roadsense train DIR… -o \(path)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TRDError(
                code: .unreadable, reason: "cannot read pace model (\(error.localizedDescription))", file: path)
        }
        struct Header: Decodable { var formatVersion: Int?, name: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), header.name == PaceModel.name else {
            throw TRDError(
                code: .badModel, reason: "not a \(PaceModel.name) model file (JSON with name \"\(PaceModel.name)\")",
                file: path, remedy: "write one with: roadsense train DIR… -o FILE")
        }
        guard header.formatVersion == PaceModel.formatVersion else {
            throw TRDError(
                code: .badModel,
                reason: "model format version \(header.formatVersion.map(String.init) ?? "missing"), this build reads "
                    + "\(PaceModel.formatVersion)",
                file: path, field: "formatVersion", remedy: "retrain it with this build's roadsense train")
        }
        do {
            return try JSONDecoder().decode(PaceModel.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw TRDError(
                code: .badModel, reason: "model file lacks '\(key.stringValue)'", file: path, field: key.stringValue)
        } catch {
            throw TRDError(code: .badModel, reason: "model file does not decode (\(error))", file: path)
        }
    }

    /// Pretty-printed, keys sorted: the same model always writes the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public func write(to path: String) throws {
        do {
            try json().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TRDError(
                code: .unreadable, reason: "cannot write pace model (\(error.localizedDescription))", file: path)
        }
    }
}

extension TRDError.Code {
    /// A pace model file that is not JSON of the expected layout and version.
    public static let badModel = TRDError.Code("bad_model")
}
