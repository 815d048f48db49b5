import Foundation

/// The default places RoadSense keeps its files.
public enum RoadSensePaths {
    /// Durable state (the SQLite store): `$ROADSENSE_HOME`, else `$XDG_STATE_HOME/roadsense`,
    /// else `~/.local/state/roadsense`.
    public static func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["ROADSENSE_HOME"], !home.isEmpty { return home }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/roadsense" }
        let user = environment["HOME"] ?? NSHomeDirectory()
        return user + "/.local/state/roadsense"
    }

    /// Sockets and the host lock: `$ROADSENSE_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/roadsense`,
    /// else `/tmp/roadsense-UID`.
    public static func runtimeDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let dir = environment["ROADSENSE_RUNTIME_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty { return xdg + "/roadsense" }
        return "/tmp/roadsense-\(getuid())"
    }
}
