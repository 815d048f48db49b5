import Foundation
import RoadSenseProtocol
import RoadSenseStore

/// `roadsense submit SERVICE.METHOD [--json '{…}' | --json @FILE | --payload-file F] [--priority P] [--deadline S]
/// [--attempts N] [--wait] [--store URL]`: accepts an ad-hoc call into the durable queue (it is stored
/// before its id is printed) for a running host to pick up; `--wait` prints its outcome.
struct SubmitCommand {
    var method: String
    var payload: [UInt8]
    var priority: Priority
    var timeoutMs: Int64
    /// nil: the method's retry policy on the host (its plugin manifest), stored as `max_attempts` 0.
    var attempts: Int?
    /// Attempts `--wait` is patient for: `attempts`, else the policy of `--config` (or the defaults).
    var expectedAttempts: Int
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
        var attempts: Int?
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
            case "--attempts": attempts = try cursor.integer(for: argument, in: 1...100)
            case "--wait": wait = true
            case "--store": store = try cursor.value(for: argument)
            case "--config": configFile = try cursor.value(for: argument)
            default: throw HostError(.usage, "unknown option '\(argument)' for submit")
            }
        }
        if json != nil && payloadFile != nil {
            throw HostError(.usage, "submit takes --json or --payload-file, not both")
        }
        let payload: [UInt8]
        if let payloadFile {
            guard let data = FileManager.default.contents(atPath: payloadFile) else {
                throw HostError(.badInput, "cannot read payload file \(payloadFile)")
            }
            payload = Array(data)
        } else if let json, json.hasPrefix("@") {
            // `--json @FILE`: a request too long for one argument (Linux caps one at 128 KiB; a whole race's
            // laps are more).
            let file = String(json.dropFirst())
            guard let data = FileManager.default.contents(atPath: file) else {
                throw HostError(.badInput, "--json @\(file): cannot read that file")
            }
            payload = try Self.payload(method: method, json: String(decoding: data, as: UTF8.self))
        } else if let json {
            payload = try Self.payload(method: method, json: json)
        } else {
            payload = []  // the request with every field at its default
        }
        let config = try configFile.map { try HostConfiguration.load(file: $0) } ?? .defaults()
        let policy = config.plugins.retryPolicies()[method] ?? .standard
        return SubmitCommand(
            method: method, payload: payload, priority: priority, timeoutMs: Int64(timeout * 1000), attempts: attempts,
            expectedAttempts: attempts ?? policy.maxAttempts, wait: wait,
            store: try StoreLocation.parse(store ?? config.store))
    }

    /// The request of `method` (its message from ``MethodMessages``) written as JSON, on the wire.
    static func payload(method: String, json: String) throws -> [UInt8] {
        guard let messages = MethodMessages.named(method) else {
            let known = MethodMessages.all.map(\.method).joined(separator: ", ")
            throw HostError(
                .usage,
                "--json: no request message is known for \(method) (known: \(known)); "
                    + "send its protobuf request with --payload-file")
        }
        do {
            return try ProtobufJSON.wire(fromJSON: json, as: messages.request)
        } catch let error as WireError {
            throw HostError(.badInput, "--json for \(method) (request \(messages.request.name)): \(error.reason)")
        }
    }

    /// What `--wait` prints once the call is finished: its state, attempts, status and message, then the
    /// result of a succeeded call as JSON (for a method of ``MethodMessages``; its size otherwise).
    /// `resultReadable` is false when the result does not decode as the method's response.
    static func outcome(of call: CallRecord) -> (text: String, resultReadable: Bool) {
        var lines = [
            "\(call.state.rawValue) after \(call.attempt) attempt(s): status \(call.status ?? "—")"
                + (call.message.map { $0.isEmpty ? "" : ", message: \($0)" } ?? "")
        ]
        guard call.state == .succeeded else { return (lines.joined(separator: "\n"), true) }
        let result = call.result ?? []  // an all-default response is zero bytes
        guard let response = MethodMessages.named(call.method)?.response else {
            lines.append("result: \(result.count) bytes (no response message is known for \(call.method))")
            return (lines.joined(separator: "\n"), true)
        }
        do {
            lines.append(try ProtobufJSON.json(fromWire: result, as: response, pretty: true))
            return (lines.joined(separator: "\n"), true)
        } catch {
            lines.append("result: \(result.count) bytes that are not a valid \(response.name) (\(error))")
            return (lines.joined(separator: "\n"), false)
        }
    }

    func execute() throws -> Int32 {
        let store = try openStore(try CtlCommand.existing(store))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let id = UUID().uuidString.lowercased()
        try store.recordCall(
            CallRecord(
                callID: id, method: method, priority: priority.rawValue, attempt: 1, state: .queued, enqueuedMs: now,
                entry: CallRecord.submitEntry, payload: payload, maxAttempts: attempts ?? 0, timeoutMs: timeoutMs))
        // Written straight to the file descriptor, so the id is out even if the wait is interrupted.
        Console.write(id + "\n")
        guard wait else { return 0 }

        // Poll the durable row until the call is finished (the host writes every transition there), for at
        // most every attempt's limit plus a minute for the host to pick it up and retry.
        let patience = Date().addingTimeInterval(Double((timeoutMs + 10_000) * Int64(expectedAttempts)) / 1000 + 60)
        let hintAt = Date().addingTimeInterval(5)
        var hinted = false
        while Date() < patience {
            let current = try store.call(id: id)
            if !hinted && Date() > hintAt && current?.owner == nil {
                hinted = true
                Console.error("roadsense: no host has picked up \(id) yet; is one running on this store? waiting…\n")
            }
            if let call = current, call.isFinished {
                let outcome = Self.outcome(of: call)
                print(outcome.text)
                guard outcome.resultReadable else { return 1 }
                return call.state == .succeeded ? 0 : 1
            }
            usleep(50_000)
        }
        let state = (try? store.call(id: id))?.map(\.state.rawValue) ?? "unknown"
        Console.error(
            "roadsense: call \(id) is still \(state); is a host running on this store? (roadsense ctl calls)\n")
        return 1
    }
}
