import Foundation
import RaceDomain
import RoadSenseProtocol

/// Where the strategy and simulation plugins get their pace model, once, at start:
///
/// - `--set model=PATH`: that file (`roadsense train … -o PATH`); a missing or bad file stops the plugin at start
///   with an error naming the file and what is wrong with it;
/// - `--set model=prior`: `PaceModel.builtInPrior`, the written-down priors;
/// - neither: the model shipped with the build, trained on all 14 GR Cup races of the organisers' data
///   (`Sources/Plugins/Runtime/Resources/pace-model.json`, copied next to the executables as
///   `RoadSense_PluginRuntime.resources/pace-model.json`); when that file is not there (an executable copied
///   alone), the built-in prior, with a warning saying so.
///
/// Each load writes one `pace model loaded` log line with the version and where it came from.
public enum PaceModelSource {
    /// The shipped model file's name inside the resource bundle.
    public static let shippedFile = "pace-model.json"
    static let bundle = "RoadSense_PluginRuntime.resources"

    /// The shipped model next to this executable (or the bundle SwiftPM built beside it).
    public static func shippedModelPath(executable: URL = Bundle.main.executableURL ?? URL(fileURLWithPath: "."))
        -> String
    {
        executable.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(bundle)
            .appendingPathComponent(shippedFile).path
    }

    /// Loads the model `options` name (see the type's comment) and logs where it came from.
    /// - Throws: `PluginUsageError` naming the file and the problem for a `model=PATH` that cannot be used.
    public static func load(options: PluginOptions, logger: Logger) throws -> PaceModel {
        let setting = options.settings["model"]
        let model: PaceModel
        let source: String
        switch setting {
        case "prior"?:
            model = .builtInPrior
            source = "built-in prior (--set model=prior)"
        case let path?:
            do {
                model = try PaceModel.load(path)
            } catch let error as TRDError {
                throw PluginUsageError("cannot use the pace model --set model=\(path): \(error.description)")
            }
            source = path
        case nil:
            let shipped = shippedModelPath()
            if FileManager.default.fileExists(atPath: shipped) {
                do {
                    model = try PaceModel.load(shipped)
                } catch let error as TRDError {
                    throw PluginUsageError(
                        "the pace model shipped with this build is unusable: \(error.description); pass "
                            + "--set model=PATH (roadsense train DIR… -o PATH) or --set model=prior")
                }
                source = shipped
            } else {
                model = .builtInPrior
                source = "built-in prior"
                logger.warning(
                    "no pace model given and none shipped next to the executable: using the built-in prior; train one "
                        + "with roadsense train DIR… -o MODEL and pass --set model=MODEL",
                    ["looked_for": shipped])
            }
        }
        logger.info("pace model loaded", ["model": model.version, "source": source])
        return model
    }
}
