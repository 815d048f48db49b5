/// One `schedule` item of a configuration file: changes the built-in entry of the same `name` (only the fields it
/// names), or adds a new entry (then `method` and `everySeconds` or `cron` are required). `"enabled": false`
/// switches an entry off.
struct ScheduleEntryPatch: Decodable {
    var name: String
    var method: String?
    var everySeconds: Double?
    var cron: String?
    var timeZone: String?
    var jitterSeconds: Double?
    var priority: String?
    var enabled: Bool?
    var maxAttempts: Int?
    var timeoutSeconds: Double?
    var expirySeconds: Double?
    var expires: Bool?
    var missedRunPolicy: String?

    typealias CodingKeys = ScheduleEntryConfig.CodingKeys

    init(from decoder: Decoder) throws {
        try AnyConfigurationKey.refuseUnknown(in: decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        method = try c.decodeIfPresent(String.self, forKey: .method)
        everySeconds = try c.decodeIfPresent(Double.self, forKey: .everySeconds)
        cron = try c.decodeIfPresent(String.self, forKey: .cron)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        jitterSeconds = try c.decodeIfPresent(Double.self, forKey: .jitterSeconds)
        priority = try c.decodeIfPresent(String.self, forKey: .priority)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts)
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
        expirySeconds = try c.decodeIfPresent(Double.self, forKey: .expirySeconds)
        expires = try c.decodeIfPresent(Bool.self, forKey: .expires)
        missedRunPolicy = try c.decodeIfPresent(String.self, forKey: .missedRunPolicy)
    }

    /// `base` with this item's changes; an item naming `everySeconds` drops the base's `cron` and vice versa.
    func applied(to base: ScheduleEntryConfig) -> ScheduleEntryConfig {
        var entry = base
        if let method { entry.method = method }
        if let everySeconds {
            entry.everySeconds = everySeconds
            if cron == nil { entry.cron = nil }
        }
        if let cron {
            entry.cron = cron
            if everySeconds == nil { entry.everySeconds = nil }
        }
        if let timeZone { entry.timeZone = timeZone }
        if let jitterSeconds { entry.jitterSeconds = jitterSeconds }
        if let priority { entry.priority = priority }
        if let enabled { entry.enabled = enabled }
        if let maxAttempts { entry.maxAttempts = maxAttempts }
        if let timeoutSeconds { entry.timeoutSeconds = timeoutSeconds }
        if let expirySeconds { entry.expirySeconds = expirySeconds }
        if let expires { entry.expires = expires }
        if let missedRunPolicy { entry.missedRunPolicy = missedRunPolicy }
        return entry
    }

    /// The schedule after applying `patches` in order to `base`: a known name is changed, a new one appended.
    /// A new entry without a method is refused (the caller names the file and the item).
    static func merge(_ base: [ScheduleEntryConfig], _ patches: [ScheduleEntryPatch]) throws -> [ScheduleEntryConfig] {
        var schedule = base
        for (index, patch) in patches.enumerated() {
            if let at = schedule.firstIndex(where: { $0.name == patch.name }) {
                schedule[at] = patch.applied(to: schedule[at])
                continue
            }
            guard let method = patch.method else {
                throw HostError(
                    .badConfiguration,
                    "field schedule.\(index) (\(patch.name)).method: a new entry needs a method (no built-in entry "
                        + "is called '\(patch.name)')")
            }
            let fresh = ScheduleEntryConfig(
                name: patch.name, method: method, priority: "medium", missedRunPolicy: "skipToNext")
            schedule.append(patch.applied(to: fresh))
        }
        return schedule
    }
}
