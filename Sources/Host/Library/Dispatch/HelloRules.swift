import RoadSenseProtocol

/// What the host accepts in a worker's `Hello` (docs/protocol.md, "Frames between host and plugin"). A Hello
/// that breaks a rule registers nothing: the peer is told why in a `Goodbye` (which a plugin takes as "stop"),
/// the refusal is logged naming the peer, and counted in `ctl status` (`calls.refused_hellos`).
enum HelloRules {
    /// Calls a worker may hold at once: the range a plugin's `credits` setting allows.
    static let credits: ClosedRange<UInt32> = 1...1024
    static let maxNameLength = 64
    static let maxMethods = 256
    /// `instance_id` and `version`: free text, but bounded.
    static let maxTextLength = 256

    /// Why `hello` is refused, or nil when it is valid.
    static func problem(_ hello: Hello) -> String? {
        guard isName(hello.plugin) else {
            return "plugin name \(quoted(hello.plugin)) is not 1–\(maxNameLength) letters, digits, '-' or '_'"
        }
        guard credits.contains(hello.credits) else {
            return "credits must be \(credits.lowerBound)…\(credits.upperBound), got \(hello.credits)"
        }
        guard !hello.methods.isEmpty, hello.methods.count <= maxMethods else {
            return "methods must name 1…\(maxMethods) methods, got \(hello.methods.count)"
        }
        if let bad = hello.methods.first(where: { !isMethod($0) }) {
            return "method \(quoted(bad)) is not SERVICE.Method (letters, digits, '-' or '_' on each side of one '.')"
        }
        guard !hello.instanceID.isEmpty, hello.instanceID.utf8.count <= maxTextLength else {
            return "instance_id must be 1…\(maxTextLength) bytes, got \(hello.instanceID.utf8.count)"
        }
        guard hello.version.utf8.count <= maxTextLength else {
            return "version is longer than \(maxTextLength) bytes"
        }
        return nil
    }

    static func isName(_ text: some StringProtocol) -> Bool {
        (1...maxNameLength).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F
            }
    }

    static func isMethod(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { isName($0) }
    }

    /// The value in quotes, control characters escaped and cut at 80 characters (it came from a peer).
    static func quoted(_ text: String) -> String {
        let escaped = text.unicodeScalars.prefix(80).map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return "'" + escaped.joined() + (text.unicodeScalars.count > 80 ? "…" : "") + "'"
    }
}
