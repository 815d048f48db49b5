import CProtobufC
import Foundation
import Glibc

extension WireError.Code {
    /// JSON text that is not valid, or does not fit the message it is meant for.
    public static let badJSON = WireError.Code("badJSON")
}

/// Converts between JSON and the wire form of any message of `proto/roadsense.proto`, by walking the
/// protobuf-c descriptors (no code per message), following the proto3 JSON mapping.
///
/// JSON → message accepts:
/// - field names as in the .proto (`lap_time_ms`) or in lowerCamelCase (`lapTimeMs`); a field given twice,
///   an unknown name, or a second member of one oneof is refused;
/// - integers as JSON numbers or decimal strings (`"1714000000000"`), also written `1e3` or `5.0` when the
///   value is a whole number; out-of-range values are refused;
/// - `float`/`double` as numbers, numeric strings, or `"NaN"`, `"Infinity"`, `"-Infinity"`;
/// - enums by value name (`"UNAVAILABLE"`) or number; a number the enum does not define is refused;
/// - `bytes` as base64 (standard or URL-safe alphabet, padding optional);
/// - `null` for any field: the field keeps its default (an empty list for a repeated field).
///
/// Message → JSON writes every field in tag order under its .proto name, defaults included (0, "", false,
/// [] — on this wire 0 or -1 often means "unknown", so a reader should see it); an unset submessage or
/// oneof member is left out; 64-bit integers are JSON numbers with every digit (all of ours — milliseconds,
/// counts — are far below 2^53); enums by name (an unknown number as the number); `bytes` as standard
/// base64 with padding; NaN and infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
public enum ProtobufJSON {
    /// The wire bytes of `json` read as a `type` message.
    /// - Throws: ``WireError`` `.badJSON` whose reason starts with the field path, e.g.
    ///   `laps[3].lap_time_ms: expected an integer, got "abc"`.
    public static func wire(fromJSON json: String, as type: ProtobufMessageType) throws -> [UInt8] {
        try wire(from: try JSONValue.parse(json), as: type)
    }

    public static func wire(from value: JSONValue, as type: ProtobufMessageType) throws -> [UInt8] {
        guard case .object(let members) = value else {
            throw failure("", "expected a JSON object for \(type.name), got \(value.snippet)", type)
        }
        // Built inside its owner, so a refusal half way frees what was built so far.
        let tree = CMessageTree.empty(type.descriptor)
        do {
            try fill(UnsafeMutableRawPointer(tree.root), type.descriptor, with: members, path: "")
        } catch let error as FieldError {
            throw failure(error.path, error.reason, type)
        }
        return tree.packed()
    }

    /// `bytes` (a `type` message on the wire) as JSON text.
    /// - Throws: ``WireError`` `.malformed` when protobuf-c cannot unpack the bytes as `type`.
    public static func json(fromWire bytes: [UInt8], as type: ProtobufMessageType, pretty: Bool = false) throws
        -> String
    {
        try value(fromWire: bytes, as: type).rendered(pretty: pretty)
    }

    public static func value(fromWire bytes: [UInt8], as type: ProtobufMessageType) throws -> JSONValue {
        guard let tree = CMessageTree.unpacked(bytes, as: type.descriptor) else {
            throw WireError(.malformed, "protobuf-c rejected \(bytes.count) bytes", messageType: type.name)
        }
        return object(UnsafeRawPointer(tree.root), type.descriptor)
    }

    // MARK: JSON → message

    /// A refusal on the way down; the path is completed as it unwinds.
    private struct FieldError: Error {
        var path: String
        var reason: String
    }

    private static func failure(_ path: String, _ reason: String, _ type: ProtobufMessageType) -> WireError {
        WireError(.badJSON, path.isEmpty ? reason : "\(path): \(reason)", messageType: type.name)
    }

    private static func fill(
        _ message: UnsafeMutableRawPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        with members: [JSONValue.Member], path: String
    ) throws {
        var given: [UInt32: String] = [:]  // field id → the key that set it
        var oneofMembers: [UInt32: String] = [:]  // oneof case offset → the member set
        for member in members {
            let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
            guard let field = ProtobufField.named(member.key, in: descriptor) else {
                let names = ProtobufField.all(of: descriptor).map(\.name).joined(separator: ", ")
                throw FieldError(
                    path: memberPath,
                    reason: "unknown field of \(String(cString: descriptor.pointee.short_name)) (its fields: \(names))")
            }
            let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
            if let earlier = given.updateValue(member.key, forKey: field.id) {
                throw FieldError(path: fieldPath, reason: "given twice (as \"\(earlier)\" and \"\(member.key)\")")
            }
            if member.value == .null { continue }

            if field.isOneofMember {
                if let other = oneofMembers.updateValue(field.name, forKey: field.quantifierOffset) {
                    throw FieldError(path: fieldPath, reason: "\(other) is set too; only one member of a oneof may be")
                }
                (message + Int(field.quantifierOffset)).storeBytes(of: field.id, as: UInt32.self)
            }
            if field.isRepeated {
                try fillRepeated(message, field, with: member.value, path: fieldPath)
            } else {
                try store(member.value, of: field, at: message + Int(field.offset), path: fieldPath)
                if field.hasPresenceFlag {
                    (message + Int(field.quantifierOffset)).storeBytes(of: 1, as: protobuf_c_boolean.self)
                }
            }
        }
    }

    private static func fillRepeated(
        _ message: UnsafeMutableRawPointer, _ field: ProtobufField, with value: JSONValue, path: String
    ) throws {
        guard case .array(let items) = value else {
            throw FieldError(path: path, reason: "expected an array, got \(value.snippet)")
        }
        guard !items.isEmpty else { return }

        // The array is zeroed and attached before its elements are filled, so a refusal midway leaves a tree
        // that free_unpacked releases (null elements are skipped).
        guard let array = calloc(items.count, field.elementStride) else { fatalError("calloc: out of memory") }
        (message + Int(field.offset)).storeBytes(of: array, as: UnsafeMutableRawPointer.self)
        (message + Int(field.quantifierOffset)).storeBytes(of: items.count, as: Int.self)
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard item != .null else { throw FieldError(path: itemPath, reason: "null is not allowed in a list") }
            try store(item, of: field, at: array + index * field.elementStride, path: itemPath)
        }
    }

    /// Writes one value of `field`'s type at `address` (a struct member or an array element).
    private static func store(
        _ value: JSONValue, of field: ProtobufField, at address: UnsafeMutableRawPointer, path: String
    ) throws {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            address.storeBytes(of: try integer(value, Int32.self, "int32", path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            address.storeBytes(of: try integer(value, Int64.self, "int64", path: path), as: Int64.self)
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            address.storeBytes(of: try integer(value, UInt32.self, "uint32", path: path), as: UInt32.self)
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            address.storeBytes(of: try integer(value, UInt64.self, "uint64", path: path), as: UInt64.self)
        case PROTOBUF_C_TYPE_FLOAT:
            let number = try floatingPoint(value, path: path)
            guard !number.isFinite || abs(number) <= Double(Float.greatestFiniteMagnitude) else {
                throw FieldError(path: path, reason: "\(value.snippet) is out of range for float")
            }
            address.storeBytes(of: Float(number), as: Float.self)
        case PROTOBUF_C_TYPE_DOUBLE:
            address.storeBytes(of: try floatingPoint(value, path: path), as: Double.self)
        case PROTOBUF_C_TYPE_BOOL:
            guard case .bool(let flag) = value else {
                throw FieldError(path: path, reason: "expected true or false, got \(value.snippet)")
            }
            address.storeBytes(of: flag ? 1 : 0, as: protobuf_c_boolean.self)
        case PROTOBUF_C_TYPE_ENUM:
            address.storeBytes(of: try enumNumber(value, field, path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_STRING:
            guard case .string(let text) = value else {
                throw FieldError(path: path, reason: "expected a string, got \(value.snippet)")
            }
            guard let copy = strdup(text) else { fatalError("strdup: out of memory") }
            address.storeBytes(of: copy, as: UnsafeMutablePointer<CChar>.self)
        case PROTOBUF_C_TYPE_BYTES:
            address.storeBytes(of: try binary(value, path: path), as: ProtobufCBinaryData.self)
        case PROTOBUF_C_TYPE_MESSAGE:
            guard case .object(let members) = value else {
                throw FieldError(path: path, reason: "expected an object, got \(value.snippet)")
            }
            let descriptor = field.messageDescriptor
            let submessage = CMessageTree.newMessage(descriptor)
            address.storeBytes(of: submessage, as: UnsafeMutablePointer<ProtobufCMessage>.self)
            try fill(UnsafeMutableRawPointer(submessage), descriptor, with: members, path: path)
        default:
            throw FieldError(path: path, reason: "field type \(field.type.rawValue) is not supported")
        }
    }

    private static func integer<Value: FixedWidthInteger>(
        _ value: JSONValue, _ type: Value.Type, _ typeName: String, path: String
    ) throws -> Value {
        let text: String
        switch value {
        case .number(let literal): text = literal
        case .string(let quoted) where JSONValue.isNumberLiteral(quoted): text = quoted
        default: throw FieldError(path: path, reason: "expected an integer, got \(value.snippet)")
        }
        if let exact = Value(text) ?? (text == "-0" ? 0 : nil) { return exact }
        let outOfRange = FieldError(
            path: path, reason: "\(value.snippet) is out of range for \(typeName) (\(Value.min)…\(Value.max))")
        // A plain integer that did not parse is too big; 1e3 or 5.0 count when they are whole and exact.
        guard text.contains(where: { ".eE".contains($0) }) else { throw outOfRange }
        guard let number = Double(text), number.isFinite, number == number.rounded(.towardZero) else {
            throw FieldError(path: path, reason: "expected an integer, got \(value.snippet)")
        }
        guard abs(number) <= 9_007_199_254_740_992, let exact = Value(exactly: number) else { throw outOfRange }
        return exact
    }

    private static func floatingPoint(_ value: JSONValue, path: String) throws -> Double {
        let text: String
        switch value {
        case .number(let literal): text = literal
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let quoted) where JSONValue.isNumberLiteral(quoted): text = quoted
        default:
            throw FieldError(
                path: path, reason: "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got \(value.snippet)")
        }
        guard let number = Double(text), number.isFinite else {
            throw FieldError(path: path, reason: "\(value.snippet) is out of range for double")
        }
        return number
    }

    private static func enumNumber(_ value: JSONValue, _ field: ProtobufField, path: String) throws -> Int32 {
        let descriptor = field.enumDescriptor
        let enumName = String(cString: descriptor.pointee.short_name)
        let names = (0..<Int(descriptor.pointee.n_values)).map { String(cString: descriptor.pointee.values[$0].name) }
        switch value {
        case .string(let name):
            if let known = protobuf_c_enum_descriptor_get_value_by_name(descriptor, name) {
                return known.pointee.value
            }
            throw FieldError(
                path: path, reason: "\(value.snippet) is not a \(enumName) (one of \(names.joined(separator: ", ")))")
        case .number:
            let number = try integer(value, Int32.self, "enum \(enumName)", path: path)
            guard protobuf_c_enum_descriptor_get_value(descriptor, number) != nil else {
                throw FieldError(
                    path: path,
                    reason: "\(number) is not a \(enumName) number (one of \(names.joined(separator: ", ")))")
            }
            return number
        default:
            throw FieldError(path: path, reason: "expected a \(enumName) name or number, got \(value.snippet)")
        }
    }

    /// Base64 text (either alphabet, padding optional) as a `malloc`'d buffer.
    private static func binary(_ value: JSONValue, path: String) throws -> ProtobufCBinaryData {
        guard case .string(let text) = value else {
            throw FieldError(path: path, reason: "expected base64 text, got \(value.snippet)")
        }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        guard let decoded = Data(base64Encoded: standard) else {
            throw FieldError(path: path, reason: "\(value.snippet) is not base64 (bytes are written as base64)")
        }
        guard !decoded.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        guard let buffer = malloc(decoded.count)?.bindMemory(to: UInt8.self, capacity: decoded.count) else {
            fatalError("malloc: out of memory")
        }
        decoded.copyBytes(to: buffer, count: decoded.count)
        return ProtobufCBinaryData(len: decoded.count, data: buffer)
    }

    // MARK: message → JSON

    private static func object(
        _ message: UnsafeRawPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) -> JSONValue {
        var members: [JSONValue.Member] = []
        for field in ProtobufField.all(of: descriptor) {
            if field.isOneofMember
                && message.load(fromByteOffset: Int(field.quantifierOffset), as: UInt32.self) != field.id
            {
                continue
            }
            if field.hasPresenceFlag
                && message.load(fromByteOffset: Int(field.quantifierOffset), as: protobuf_c_boolean.self) == 0
            {
                continue
            }
            if field.isRepeated {
                let count = message.load(fromByteOffset: Int(field.quantifierOffset), as: Int.self)
                let array = message.load(fromByteOffset: Int(field.offset), as: UnsafeRawPointer?.self)
                let items = (0..<count).compactMap { index in
                    array.flatMap { value(of: field, at: $0 + index * field.elementStride) }
                }
                members.append(JSONValue.Member(field.name, .array(items)))
            } else if let value = value(of: field, at: message + Int(field.offset)) {
                members.append(JSONValue.Member(field.name, value))
            }
        }
        return .object(members)
    }

    /// The value of `field`'s type at `address`; nil for an unset submessage.
    private static func value(of field: ProtobufField, at address: UnsafeRawPointer) -> JSONValue? {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            return .number(String(address.load(as: Int32.self)))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            return .number(String(address.load(as: Int64.self)))
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return .number(String(address.load(as: UInt32.self)))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            return .number(String(address.load(as: UInt64.self)))
        case PROTOBUF_C_TYPE_FLOAT:
            return number(Double(address.load(as: Float.self)), text: "\(address.load(as: Float.self))")
        case PROTOBUF_C_TYPE_DOUBLE:
            return number(address.load(as: Double.self), text: "\(address.load(as: Double.self))")
        case PROTOBUF_C_TYPE_BOOL:
            return .bool(address.load(as: protobuf_c_boolean.self) != 0)
        case PROTOBUF_C_TYPE_ENUM:
            let number = address.load(as: Int32.self)
            guard let known = protobuf_c_enum_descriptor_get_value(field.enumDescriptor, number) else {
                return .number(String(number))
            }
            return .string(String(cString: known.pointee.name))
        case PROTOBUF_C_TYPE_STRING:
            return .string(address.load(as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? "")
        case PROTOBUF_C_TYPE_BYTES:
            let binary = address.load(as: ProtobufCBinaryData.self)
            guard let data = binary.data, binary.len > 0 else { return .string("") }
            return .string(Data(bytes: data, count: binary.len).base64EncodedString())
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let submessage = address.load(as: UnsafeRawPointer?.self) else { return nil }
            return object(submessage, field.messageDescriptor)
        default:
            return .null
        }
    }

    /// A finite number as Swift's shortest round-trip text (valid JSON); NaN and infinities as proto3 strings.
    private static func number(_ value: Double, text: String) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value > 0 ? "Infinity" : "-Infinity") }
        return .number(text)
    }
}
