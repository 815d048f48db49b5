import CProtobufC

/// One field of a protobuf-c message descriptor, with what the JSON mapping asks of it.
struct ProtobufField {
    let descriptor: UnsafePointer<ProtobufCFieldDescriptor>

    /// Every field of `message`, in tag order.
    static func all(of message: UnsafePointer<ProtobufCMessageDescriptor>) -> [ProtobufField] {
        (0..<Int(message.pointee.n_fields)).map { ProtobufField(descriptor: message.pointee.fields + $0) }
    }

    /// The field whose .proto name or lowerCamelCase JSON name is `key`.
    static func named(_ key: String, in message: UnsafePointer<ProtobufCMessageDescriptor>) -> ProtobufField? {
        // The .proto name by protobuf-c's binary search; a lowerCamelCase name has a capital letter.
        if let field = protobuf_c_message_descriptor_get_field_by_name(message, key) {
            return ProtobufField(descriptor: field)
        }
        guard key.contains(where: \.isUppercase) else { return nil }
        return all(of: message).first { $0.jsonName == key }
    }

    /// As written in the .proto file (`lap_time_ms`).
    var name: String { String(cString: descriptor.pointee.name) }

    /// The proto3 JSON name (`lapTimeMs`): each underscore dropped and the letter after it capitalised.
    /// protobuf-c 1.4 descriptors carry no `json_name`, so it is derived as protoc derives it.
    var jsonName: String {
        var output = ""
        var capitalizeNext = false
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else {
                output += capitalizeNext ? character.uppercased() : String(character)
                capitalizeNext = false
            }
        }
        return output
    }

    var id: UInt32 { descriptor.pointee.id }
    var type: ProtobufCType { descriptor.pointee.type }
    var offset: UInt32 { descriptor.pointee.offset }
    /// `n_<field>` for repeated fields, `has_<field>` for optional scalars, the case member for oneofs.
    var quantifierOffset: UInt32 { descriptor.pointee.quantifier_offset }
    var isRepeated: Bool { descriptor.pointee.label == PROTOBUF_C_LABEL_REPEATED }
    var isOneofMember: Bool { descriptor.pointee.flags & PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue != 0 }

    /// An `optional` scalar or bytes field outside a oneof has a `has_` flag; strings and messages use NULL.
    var hasPresenceFlag: Bool {
        descriptor.pointee.label == PROTOBUF_C_LABEL_OPTIONAL && !isOneofMember
            && type != PROTOBUF_C_TYPE_STRING && type != PROTOBUF_C_TYPE_MESSAGE
    }

    var messageDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        descriptor.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
    }

    var enumDescriptor: UnsafePointer<ProtobufCEnumDescriptor> {
        descriptor.pointee.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)
    }

    /// Size of one element of this field's C array when repeated (the C type of one value).
    var elementStride: Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_UINT64,
            PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            8
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE: MemoryLayout<UnsafeRawPointer>.stride
        case PROTOBUF_C_TYPE_BYTES: MemoryLayout<ProtobufCBinaryData>.stride
        default: 4
        }
    }
}
