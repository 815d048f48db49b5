import Foundation
import RoadSenseProtocol

/// What a JSON settings file (the `--config` file, a plugin manifest) must be before its keys are read, and
/// how its decoding errors are told: with the file, the line and column of a syntax error, and the field.
enum ConfigurationFile {
    /// Refuses text that is not JSON (naming line and column) or whose top level is not one object.
    /// `what` names the file in messages: "configuration file PATH", "plugin manifest PATH".
    static func checkSyntax(_ data: Data, what: String) throws {
        let document: JSONValue
        do {
            document = try JSONValue.parse(String(decoding: data, as: UTF8.self))
        } catch let error as WireError {
            throw HostError(.badConfiguration, "\(what): \(error.reason)")
        }
        guard case .object = document else {
            throw HostError(
                .badConfiguration,
                "\(what): the top level must be one JSON object ({ \"key\": value, … }), found \(kind(document))")
        }
    }

    /// A decoding error as `field PATH: what is wrong` (a path such as `plugins.0.credits`).
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "field \(path(context.codingPath + [key])): required, and missing"
        case .typeMismatch(let type, let context):
            // Foundation says "Expected to decode Int but found a string instead."; keep what it found.
            let text = context.debugDescription
            let found = text.range(of: "but found ").map { text[$0.upperBound...] }
                .map { $0.hasSuffix(" instead.") ? String($0.dropLast(" instead.".count)) : String($0) }
            return "field \(path(context.codingPath)): expected \(expected(type))"
                + (found.map { ", found \($0)" } ?? "")
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)): expected \(expected(type)), found null"
        case .dataCorrupted(let context):
            return "field \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func path(_ codingPath: [CodingKey]) -> String {
        let text = codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return text.isEmpty ? "(top level)" : text
    }

    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is UInt32.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list [ … ]"
        default: String(describing: type).hasPrefix("Dictionary") ? "an object { … }" : "\(type)"
        }
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "true/false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list [ … ]"
        case .object: "an object"
        }
    }
}
