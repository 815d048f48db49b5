import Foundation
import RaceDomain
import RoadSenseStore

/// `roadsense bench store-writer --store URL --writer K [--frames N] [--batch B] [--calls C]`: one of several
/// processes the concurrency tests start at once against one store. It writes N frames of its own vehicle
/// (`writer-K`, ECU times 0…N-1) in batches of B, between batches claims whatever unowned calls it can as
/// owner `writer-K` and records C calls of its own, then prints one JSON line: the calls it claimed.
/// Any store error ends it with status 1 and the error on stderr, so a "database is locked" cannot hide.
struct StoreWriter {
    var store: StoreLocation
    var writer: Int
    var frames = 10_000
    var batch = 500
    var calls = 20

    static func parse(_ arguments: [String]) throws -> StoreWriter {
        var cursor = ArgumentCursor(arguments)
        var store: StoreLocation?
        var writer: Int?
        var result = StoreWriter(store: .sqlite(path: "-"), writer: 0)
        while let argument = cursor.next() {
            switch argument {
            case "--store": store = try StoreLocation.parse(try cursor.value(for: argument))
            case "--writer": writer = try cursor.integer(for: argument, in: 0...10_000)
            case "--frames": result.frames = try cursor.integer(for: argument, in: 0...10_000_000)
            case "--batch": result.batch = try cursor.integer(for: argument, in: 1...1_000_000)
            case "--calls": result.calls = try cursor.integer(for: argument, in: 0...1_000_000)
            default: throw HostError(.usage, "unknown option '\(argument)' for bench store-writer")
            }
        }
        guard let store, let writer else { throw HostError(.usage, "bench store-writer needs --store and --writer") }
        result.store = store
        result.writer = writer
        return result
    }

    func execute() throws -> Int32 {
        let handle = try openStore(store)
        let vehicle = "writer-\(writer)"
        var claimed: [String] = []
        var written = 0
        var recorded = 0
        while written < frames || recorded < calls {
            let count = min(batch, frames - written)
            if count > 0 {
                let slice = (written..<(written + count)).map {
                    CarFrame(
                        vehicleID: vehicle, carNumber: writer, timeMs: Int64($0), lap: 1, speedKph: Double($0),
                        ecuTimeMs: Int64($0))
                }
                try handle.upsertFrames(slice)
                written += count
            }
            if recorded < calls {
                try handle.recordCall(
                    CallRecord(
                        callID: "\(vehicle)-call-\(recorded)", method: "bench.Sleep", priority: 2, attempt: 1,
                        state: .queued, enqueuedMs: Int64(recorded), entry: "writer", owner: vehicle))
                recorded += 1
            }
            claimed += try handle.claimUnownedCalls(owner: vehicle).map(\.callID)
        }
        claimed += try handle.claimUnownedCalls(owner: vehicle).map(\.callID)
        let line = try JSONSerialization.data(withJSONObject: ["writer": writer, "claimed": claimed])
        print(String(decoding: line, as: UTF8.self))
        return 0
    }
}
