import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// `roadsense watch [PREFIX...]`: prints broadcast updates until interrupted (or the run's summary).
struct WatchCommand {
    var endpoint: String
    var prefixes: [String]
    var untilSummary: Bool

    static func parse(_ cursor: inout ArgumentCursor) throws -> WatchCommand {
        var endpoint: String?
        var runtime: String?
        var prefixes: [String] = []
        var untilSummary = false
        while let argument = cursor.next() {
            switch argument {
            case "--endpoint": endpoint = try cursor.value(for: argument)
            case "--runtime-dir": runtime = try cursor.value(for: argument)
            case "--until-summary": untilSummary = true
            default:
                guard !argument.hasPrefix("--") else {
                    throw HostError(.usage, "unknown option '\(argument)' for watch")
                }
                prefixes.append(argument)
            }
        }
        var config = HostConfiguration.defaults()
        if let runtime { config.useRuntimeDirectory(runtime) }
        return WatchCommand(
            endpoint: endpoint ?? config.publishEndpoint, prefixes: prefixes, untilSummary: untilSummary)
    }

    func execute() throws -> Int32 {
        let subscriber = UpdateSubscriber(endpoint: endpoint, prefixes: prefixes)
        try subscriber.start()
        FileHandle.standardError.write(Data("watching \(endpoint) (Ctrl-C to stop)\n".utf8))
        let stop = LockedFlag()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { stop.set() }
        source.resume()
        while !stop.isSet && !(untilSummary && subscriber.sawSummary) { usleep(20_000) }
        subscriber.cancel()
        return 0
    }
}
