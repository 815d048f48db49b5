// swift-tools-version:6.0
// RoadSense: a plugin-based task host for real-time race analytics.
// Layout: see ../shared/design/ARCHITECTURE.md and README.md.
import PackageDescription

let package = Package(
    name: "RoadSense",
    products: [
        .executable(name: "roadsense", targets: ["RoadSenseCLI"]),
        .executable(name: "roadsense-telemetry", targets: ["TelemetryPlugin"]),
        .executable(name: "roadsense-strategy", targets: ["StrategyPlugin"]),
        .executable(name: "roadsense-alerts", targets: ["AlertsPlugin"]),
        .executable(name: "roadsense-bench", targets: ["BenchPlugin"]),
        .executable(name: "roadsense-ingest", targets: ["IngestPlugin"]),
        .executable(name: "roadsense-weather", targets: ["WeatherPlugin"]),
        .executable(name: "roadsense-analytics", targets: ["AnalyticsPlugin"]),
        .executable(name: "roadsense-simulation", targets: ["SimulationPlugin"]),
        .executable(name: "roadsense-maintenance", targets: ["MaintenancePlugin"]),
        .executable(name: "roadsense-launch", targets: ["PluginLauncher"]),
    ],
    targets: [
        // C libraries from Debian, wrapped as system modules.
        // No pkgConfig for libzmq: Debian's libzmq.pc pulls in krb5-gssapi's `-isystem /usr/include/mit-krb5`,
        // which SwiftPM refuses with a warning on every build (docs/workarounds.md); zmq.h and libzmq.so are in
        // the default search paths.
        .systemLibrary(name: "CZeroMQ", path: "Sources/Protocol/CZeroMQ"),
        .systemLibrary(name: "CProtobufC", path: "Sources/Protocol/CProtobufC", pkgConfig: "libprotobuf-c"),
        .systemLibrary(name: "CSQLite", path: "Sources/Store/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CLibPQ", path: "Sources/Store/CLibPQ", pkgConfig: "libpq"),
        .systemLibrary(name: "CProcessShims", path: "Sources/Plugins/CProcessShims"),

        // protoc-c output for proto/roadsense.proto (regenerate with `make proto`).
        .target(
            name: "RoadSenseWireC",
            dependencies: ["CProtobufC"],
            path: "Sources/Protocol/WireC",
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),

        // Race data and analytics: no sockets, no processes, no database.
        .target(name: "RaceDomain", path: "Sources/Domain"),

        // Swift message types over the generated code, the ZeroMQ wrapper and the peer framing.
        .target(
            name: "RoadSenseProtocol",
            dependencies: ["RaceDomain", "RoadSenseWireC", "CProtobufC", "CZeroMQ"],
            path: "Sources/Protocol/Swift"
        ),

        // The store: SQLite (default) or PostgreSQL, one interface.
        .target(
            name: "RoadSenseStore", dependencies: ["RaceDomain", "CSQLite", "CLibPQ"], path: "Sources/Store/Swift"),

        // The host: scheduler, queue, dispatcher, supervisor, broadcaster, replay feed, CLI commands.
        .target(
            name: "RoadSenseHost",
            dependencies: ["RaceDomain", "RoadSenseProtocol", "RoadSenseStore", "CProcessShims"],
            path: "Sources/Host/Library"
        ),
        .executableTarget(name: "RoadSenseCLI", dependencies: ["RoadSenseHost"], path: "Sources/Host/CLI"),
        // The host starts each plugin through this C launcher: PR_SET_PDEATHSIG(SIGKILL), then exec.
        .executableTarget(name: "PluginLauncher", path: "Sources/Plugins/Launcher"),

        // Plugins: a shared runtime and one executable per plugin.
        .target(
            name: "PluginRuntime",
            dependencies: ["RaceDomain", "RoadSenseProtocol", "RoadSenseStore", "CProcessShims"],
            path: "Sources/Plugins/Runtime"
        ),
        .executableTarget(name: "TelemetryPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Telemetry"),
        .executableTarget(name: "StrategyPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Strategy"),
        .executableTarget(name: "AlertsPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Alerts"),
        .executableTarget(name: "BenchPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Bench"),
        .executableTarget(name: "IngestPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Ingest"),
        .executableTarget(name: "WeatherPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Weather"),
        .executableTarget(
            name: "AnalyticsPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Analytics"),
        .executableTarget(
            name: "SimulationPlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Simulation"),
        .executableTarget(
            name: "MaintenancePlugin", dependencies: ["PluginRuntime"], path: "Sources/Plugins/Maintenance"),

        .testTarget(name: "DomainTests", dependencies: ["RaceDomain"], path: "Tests/DomainTests"),
        .testTarget(
            name: "ProtocolTests",
            dependencies: ["RoadSenseProtocol", "RaceDomain", "RoadSenseWireC", "CProtobufC"],
            path: "Tests/ProtocolTests"
        ),
        .testTarget(
            name: "HostTests",
            dependencies: ["RoadSenseHost", "RoadSenseStore", "RoadSenseProtocol", "RaceDomain"],
            path: "Tests/HostTests"
        ),
    ]
)
