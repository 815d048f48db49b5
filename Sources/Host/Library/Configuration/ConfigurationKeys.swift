/// Any key of a JSON object, to find the ones a configuration does not know (a typo such as
/// `heartbeatIntervalMz` must be refused, not silently ignored).
struct AnyConfigurationKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// Throws a decoding error naming the first key of the object at `decoder` that `known` lacks.
    static func refuseUnknown<Known: CodingKey & CaseIterable>(in decoder: Decoder, known: Known.Type) throws {
        let container = try decoder.container(keyedBy: AnyConfigurationKey.self)
        let names = Set(Known.allCases.map(\.stringValue))
        if let unknown = container.allKeys.first(where: { !names.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [unknown],
                    debugDescription: "unknown key '\(unknown.stringValue)'; known keys: "
                        + names.sorted().joined(separator: ", ")))
        }
    }
}
