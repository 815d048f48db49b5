extension StatusCommand {
    /// `security: CURVE  allowed keys 3  admitted 5  refused 2` (refused: handshakes from keys not allowed).
    static func securityLine(_ security: [String: Any]) -> String {
        guard security["mechanism"] as? String == "CURVE" else {
            return "security: \(security["mechanism"] ?? "?")"
        }
        return "security: CURVE  allowed keys \(security["allowed_keys"] ?? 0)  admitted \(security["admitted"] ?? 0)  "
            + "refused \(security["refused"] ?? 0)"
    }
}
