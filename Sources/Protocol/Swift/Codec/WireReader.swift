import CProtobufC

/// Reads fields of an unpacked protobuf-c struct into Swift values (copies; nothing keeps C pointers).
enum WireReader {
    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    static func strings(_ count: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard let array else { return [] }
        return (0..<count).map { string(array[$0]) }
    }

    static func int32s(_ count: Int, _ array: UnsafeMutablePointer<Int32>?) -> [Int32] {
        guard let array, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: array, count: count))
    }

    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard let base = data.data, data.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: data.len))
    }

    /// An optional submessage: nil when the field is absent.
    static func message<Message: CWireMessage>(_ pointer: UnsafeMutablePointer<Message.CMessage>?) throws -> Message? {
        try pointer.map { try Message(unpacked: $0.pointee) }
    }

    /// A submessage the Swift type cannot do without. `owner` is only worked out for the error (it comes from
    /// reflection, too slow for every message).
    static func required<Message: CWireMessage>(
        _ pointer: UnsafeMutablePointer<Message.CMessage>?, field: String, of owner: @autoclosure () -> String
    ) throws -> Message {
        guard let message: Message = try message(pointer) else {
            throw WireError(.missingField, "field \(field) is absent", messageType: owner())
        }
        return message
    }

    static func messages<Message: CWireMessage>(
        _ count: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<Message.CMessage>?>?
    ) throws -> [Message] {
        guard let array, count > 0 else { return [] }
        var result: [Message] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let element = array[index] else { continue }
            result.append(try Message(unpacked: element.pointee))
        }
        return result
    }
}
