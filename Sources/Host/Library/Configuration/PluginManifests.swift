import Foundation

/// Plugins declared as units: one JSON manifest per plugin in a directory (`pluginsDirectory`, or
/// `--plugins-dir`), each an object with the keys of a `plugins` entry. A manifest whose `name` is already
/// configured replaces that plugin; any other adds one. Files are read in name order; only `*.json` counts.
enum PluginManifests {
    /// `plugins` with the manifests in `directory` applied. A manifest that cannot be used is refused with
    /// its file and field named; nothing is half-applied.
    static func apply(to plugins: [PluginConfig], directory: String) throws -> [PluginConfig] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw HostError(.badConfiguration, "plugins directory \(directory) does not exist or is not a directory")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            .sorted()
        var result = plugins
        var seen: [String: String] = [:]
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            let manifest = try read(path)
            if let other = seen[manifest.name] {
                throw HostError(
                    .badConfiguration,
                    "plugin manifest \(path), field name: '\(manifest.name)' is also declared by \(other)")
            }
            seen[manifest.name] = path
            if let index = result.firstIndex(where: { $0.name == manifest.name }) {
                result[index] = manifest
            } else {
                result.append(manifest)
            }
        }
        return result
    }

    static func read(_ path: String) throws -> PluginConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HostError(.badConfiguration, "cannot read plugin manifest \(path)")
        }
        let manifest: PluginConfig
        try ConfigurationFile.checkSyntax(data, what: "plugin manifest \(path)")
        do {
            manifest = try JSONDecoder().decode(PluginConfig.self, from: data)
        } catch let error as DecodingError {
            throw HostError(.badConfiguration, "plugin manifest \(path), \(ConfigurationFile.describe(error))")
        } catch {
            throw HostError(.badConfiguration, "plugin manifest \(path) is not valid JSON: \(error)")
        }
        try manifest.validate { key, rule in
            HostError(.badConfiguration, "plugin manifest \(path), field \(key): \(rule)")
        }
        return manifest
    }
}
