import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// `roadsense submit SERVICE.METHOD [--json '{…}' | --payload-file F] [--priority P] [--deadline S]
/// [--attempts N] [--wait] [--store URL]`: accepts an ad-hoc call into the durable queue (it is stored
/// before its id is printed) for a running host to pick up; `--wait` prints its outcome.
struct SubmitCommand {
    var method: String
    var payload: [UInt8]
    var priority: Priority
    var timeoutMs: Int64
    var attempts: Int
    var wait: Bool
    var store: StoreLocation

    static func parse(_ cursor: inout ArgumentCursor) throws -> SubmitCommand {
        guard let method = cursor.next(), method.contains("."), !method.hasPrefix("--") else {
            throw HostError(.usage, "submit needs a method written SERVICE.METHOD, e.g. roadsense submit bench.Noop")
        }
        var json: String?
        var payloadFile: String?
        var priority = Priority.medium
        var timeout = 30.0
        var attempts = 3
        var wait = false
        var store: String?
        var configFile: String?
        while let argument = cursor.next() {
            switch argument {
            case "--json": json = try cursor.value(for: argument)
            case "--payload-file": payloadFile = try cursor.value(for: argument)
            case "--priority":
                let name = try cursor.value(for: argument)
                guard let p = Priority.named(name) else { throw HostError(.usage, "--priority: high, medium or low") }
                priority = p
            case "--deadline": timeout = try cursor.number(for: argument, minimum: 0.001)
            case "--attempts": attempts = Int(try cursor.number(for: argument, minimum: 1))
            case "--wait": wait = true
            case "--store": store = try cursor.value(for: argument)
            case "--config": configFile = try cursor.value(for: argument)
            default: throw HostError(.usage, "unknown option '\(argument)' for submit")
            }
        }
        let payload: [UInt8]
        if let payloadFile {
            guard let data = FileManager.default.contents(atPath: payloadFile) else {
                throw HostError(.badInput, "cannot read payload file \(payloadFile)")
            }
            payload = Array(data)
        } else {
            payload = try Self.payload(method: method, json: json ?? "{}")
        }
        let config = try configFile.map { try HostConfiguration.load(file: $0) } ?? .defaults()
        return SubmitCommand(
            method: method, payload: payload, priority: priority, timeoutMs: Int64(timeout * 1000), attempts: attempts,
            wait: wait, store: try StoreLocation.parse(store ?? config.store))
    }

    /// `--json` is understood for the `bench.*` methods (`sleep_ms`, `fail_with`, `blob`); other methods
    /// take their protobuf request through `--payload-file`.
    static func payload(method: String, json: String) throws -> [UInt8] {
        guard method.hasPrefix("bench.") else {
            if json == "{}" { return [] }
            throw HostError(.usage, "--json is understood for bench.* methods; use --payload-file for \(method)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw HostError(.badInput, "--json is not a JSON object: \(json)")
        }
        var request = BenchRequest()
        if let sleep = object["sleep_ms"] {
            guard let ms = sleep as? Int, ms >= 0 else {
                throw HostError(.badInput, "--json sleep_ms: a whole number ≥ 0")
            }
            request.sleepMs = UInt32(clamping: ms)
        }
        if let fail = object["fail_with"] {
            guard let name = fail as? String, let code = StatusCode.allCases.first(where: { $0.name == name }) else {
                throw HostError(.badInput, "--json fail_with: a status code name such as UNAVAILABLE")
            }
            request.failWith = code
        }
        if let blob = object["blob"] as? String { request.blob = Array(blob.utf8) }
        let unknown = Set(object.keys).subtracting(["sleep_ms", "fail_with", "blob"])
        guard unknown.isEmpty else {
            throw HostError(
                .badInput, "--json: unknown key(s) \(unknown.sorted()); bench.* takes sleep_ms, fail_with, blob")
        }
        return request.encoded()
    }

    func execute() throws -> Int32 {
        let store = try openStore(try CtlCommand.existing(store))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let id = UUID().uuidString.lowercased()
        try store.recordCall(
            CallRecord(
                callID: id, method: method, priority: priority.rawValue, attempt: 1, state: .queued, enqueuedMs: now,
                entry: CallRecord.submitEntry, payload: payload, maxAttempts: attempts, timeoutMs: timeoutMs))
        // Written straight to the file descriptor, so the id is out even if the wait is interrupted.
        Console.write(id + "\n")
        guard wait else { return 0 }

        // Poll the durable row until the call is finished (the host writes every transition there), for at
        // most every attempt's limit plus a minute for the host to pick it up and retry.
        let patience = Date().addingTimeInterval(Double((timeoutMs + 10_000) * Int64(attempts)) / 1000 + 60)
        let hintAt = Date().addingTimeInterval(5)
        var hinted = false
        while Date() < patience {
            let current = try store.call(id: id)
            if !hinted && Date() > hintAt && current?.owner == nil {
                hinted = true
                FileHandle.standardError.write(
                    Data("roadsense: no host has picked up \(id) yet; is one running on this store? waiting…\n".utf8))
            }
            if let call = current, call.isFinished {
                let outcome = "\(call.status ?? "—") \(call.message ?? "")"
                print("\(call.state.rawValue) after \(call.attempt) attempt(s): \(outcome)")
                if let result = call.result, method.hasPrefix("bench."), let bench = try? BenchResult(wire: result) {
                    let blob = String(decoding: bench.blob, as: UTF8.self)
                    print("result: pid \(bench.pid) attempt \(bench.attempt) blob \(blob)")
                } else if let result = call.result {
                    print("result: \(result.count) bytes")
                }
                return call.state == .succeeded ? 0 : 1
            }
            usleep(50_000)
        }
        let state = (try? store.call(id: id))?.map(\.state.rawValue) ?? "unknown"
        FileHandle.standardError.write(
            Data(
                "roadsense: call \(id) is still \(state); is a host running on this store? (roadsense ctl calls)\n".utf8
            ))
        return 1
    }
}
