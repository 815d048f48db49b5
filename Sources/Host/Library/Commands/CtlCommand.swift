import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

/// `roadsense ctl …`: operator commands on the store a host uses (it may be running).
///   ctl calls [--state S]              the durable call queue and its history
///   ctl dead-letter list               calls that failed for good
///   ctl dead-letter show ID            one of them, with every attempt's error
///   ctl dead-letter retry ID           queue it again (fresh attempts); a running host picks it up
///   ctl dead-letter purge              delete them all
///   ctl alerts [--open] [--car N]      stored alerts, newest first, with what raised them
///   ctl ack ID [--note TEXT]           acknowledge one: it leaves the open list and no longer escalates
struct CtlCommand {
    var words: [String]
    var store: StoreLocation
    var json: Bool
    var openOnly = false
    var carNumber: Int?
    var note: String?

    static func parse(_ cursor: inout ArgumentCursor) throws -> CtlCommand {
        var words: [String] = []
        var store: String?
        var configFile: String?
        var json = false
        var openOnly = false
        var carNumber: Int?
        var note: String?
        while let argument = cursor.next() {
            switch argument {
            case "--store": store = try cursor.value(for: argument)
            case "--config": configFile = try cursor.value(for: argument)
            case "--json": json = true
            case "--open": openOnly = true
            case "--note": note = try cursor.value(for: argument)
            case "--car":
                let value = try cursor.value(for: argument)
                guard let number = Int(value), number >= 0 else {
                    throw HostError(.usage, "--car takes a race number such as 13, not '\(value)'")
                }
                carNumber = number
            case "--state":
                words.append(argument)
                words.append(try cursor.value(for: argument))
            default:
                guard !argument.hasPrefix("--") else { throw HostError(.usage, "unknown option '\(argument)' for ctl") }
                words.append(argument)
            }
        }
        guard let first = words.first, storeSubcommands.contains(first) else {
            let unknown = words.first.map { "unknown ctl subcommand '\($0)'; " } ?? ""
            throw HostError(.usage, unknown + StatusCommand.subcommandList)
        }
        let config = try configFile.map { try HostConfiguration.load(file: $0) } ?? .defaults()
        return CtlCommand(
            words: words, store: try StoreLocation.parse(store ?? config.store), json: json, openOnly: openOnly,
            carNumber: carNumber, note: note)
    }

    /// The subcommands that read the store (the others ask a running host: `StatusCommand`).
    static let storeSubcommands: Set<String> = ["calls", "dead-letter", "alerts", "ack"]

    /// The store, refused when it does not exist yet: a mistyped path must not look like an empty queue.
    static func existing(_ location: StoreLocation) throws -> StoreLocation {
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw HostError(
                .badInput, "no store at \(path); give the --store a host runs with (roadsense run --store …)")
        }
        return location
    }

    func execute() throws -> Int32 {
        let store = try openStore(try Self.existing(store))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        switch words.first {
        case "calls":
            var state: CallRecord.State?
            if words.count == 3, words[1] == "--state" {
                guard let parsed = CallRecord.State(rawValue: words[2]) else {
                    throw HostError(.usage, "--state must be one of \(CallRecord.State.allCases.map(\.rawValue))")
                }
                state = parsed
            }
            let calls = try store.calls(state: state)
            print(json ? Self.json(calls.map(Self.dictionary)) : calls.map(Self.line).joined(separator: "\n"))
            return 0
        case "dead-letter":
            return try deadLetter(Array(words.dropFirst()), store: store, nowMs: now)
        case "alerts":
            guard words.count == 1 else { throw HostError(.usage, "ctl alerts [--open] [--car N] [--json]") }
            let records = try store.alertRecords(openOnly: openOnly, carNumber: carNumber)
            if json {
                print(Self.json(records.map(Self.dictionary)))
            } else if records.isEmpty {
                print(openOnly ? "no open alerts" : "no alerts")
            } else {
                print(records.map(Self.lines).joined(separator: "\n"))
            }
            return 0
        case "ack":
            guard words.count == 2 else { throw HostError(.usage, "ctl ack ID [--note TEXT]") }
            return try acknowledge(words[1], store: store, nowMs: now)
        default:
            throw HostError(.usage, StatusCommand.subcommandList)
        }
    }

    private func deadLetter(_ words: [String], store: RaceStore, nowMs: Int64) throws -> Int32 {
        switch (words.first, words.count) {
        case ("list", 1):
            let letters = try store.deadLetters()
            if json {
                print(Self.json(letters.map(Self.dictionary)))
            } else if letters.isEmpty {
                print("no dead letters")
            } else {
                for letter in letters {
                    print(
                        "\(letter.callID)  \(letter.method)  entry=\(letter.entry)  attempts=\(letter.attempts)  "
                            + "last error: \(letter.errors.last ?? "—")")
                }
            }
            return 0
        case ("show", 2):
            guard let letter = try store.deadLetters().first(where: { $0.callID == words[1] }) else {
                throw HostError(.badInput, "no dead letter with id \(words[1]) (see: roadsense ctl dead-letter list)")
            }
            if json {
                print(Self.json(Self.dictionary(letter)))
            } else {
                print(
                    "call \(letter.callID)\nmethod \(letter.method)\nentry \(letter.entry)\npriority \(letter.priority)"
                )
                print("dead since \(Host.iso(letter.deadMs))\npayload \(letter.payload?.count ?? 0) bytes")
                for error in letter.errors { print("  \(error)") }
            }
            return 0
        case ("retry", 2):
            guard try store.retryDeadLetter(id: words[1], nowMs: nowMs) else {
                throw HostError(.badInput, "no dead letter with id \(words[1]) (see: roadsense ctl dead-letter list)")
            }
            print("queued \(words[1]) again with a fresh retry budget; a running host picks it up within a second")
            return 0
        case ("purge", 1):
            print("purged \(try store.purgeDeadLetters()) dead letters")
            return 0
        default:
            throw HostError(.usage, "ctl dead-letter list | show ID | retry ID | purge")
        }
    }

    private func acknowledge(_ id: String, store: RaceStore, nowMs: Int64) throws -> Int32 {
        guard try store.acknowledgeAlert(id: id, note: note, nowMs: nowMs),
            let record = try store.alertRecords(openOnly: false, carNumber: nil).first(where: { $0.alert.alertID == id }
            )
        else {
            throw HostError(.badInput, "no alert with id \(id) (see: roadsense ctl alerts --open)")
        }
        if json {
            print(Self.json(Self.dictionary(record)))
        } else {
            let note = record.ackNote.map { " — note: \($0)" } ?? ""
            print("acknowledged \(id) at \(Host.iso(record.acknowledgedMs ?? nowMs))\(note); it will not escalate")
        }
        return 0
    }

    /// Two lines per alert: what and when, then the message.
    static func lines(_ r: AlertRecord) -> String {
        let a = r.alert
        let state = r.acknowledgedMs.map { "acknowledged \(Host.iso($0))" } ?? "OPEN"
        let value = a.value.map { AlertRules.format($0) } ?? "—"
        let threshold = a.threshold.map { AlertRules.format($0) } ?? "—"
        let note = r.ackNote.map { "\n    note: \($0)" } ?? ""
        return "\(a.severity.name.uppercased())  \(a.alertID)  \(state)\n"
            + "    rule=\(a.rule) car=\(a.carNumber.map(String.init) ?? (a.vehicleID.isEmpty ? "—" : a.vehicleID)) "
            + "lap=\(a.lap) channel=\(a.channel) value=\(value) threshold=\(threshold) "
            + "first=\(Host.iso(r.firstRaisedMs)) last=\(Host.iso(r.lastRaisedMs)) seen=\(r.timesSeen)\n"
            + "    \(a.message)\(note)"
    }

    static func dictionary(_ r: AlertRecord) -> [String: Any] {
        let a = r.alert
        return [
            "alert_id": a.alertID, "vehicle_id": a.vehicleID, "car_number": a.carNumber ?? NSNull(), "rule": a.rule,
            "severity": a.severity.name, "message": a.message, "lap": a.lap, "value": a.value ?? NSNull(),
            "threshold": a.threshold ?? NSNull(), "channel": a.channel, "first_raised_ms": r.firstRaisedMs,
            "last_raised_ms": r.lastRaisedMs, "times_seen": r.timesSeen,
            "acknowledged_ms": r.acknowledgedMs ?? NSNull(), "ack_note": r.ackNote ?? NSNull(),
        ]
    }

    static func line(_ c: CallRecord) -> String {
        "\(c.callID)  \(c.method)  \(c.state.rawValue)  attempt=\(c.attempt)  entry=\(c.entry)  "
            + "status=\(c.status ?? "—")  worker=\(c.worker ?? "—")"
    }

    static func dictionary(_ c: CallRecord) -> [String: Any] {
        [
            "call_id": c.callID, "method": c.method, "state": c.state.rawValue, "attempt": c.attempt,
            "entry": c.entry, "status": c.status ?? NSNull(), "message": c.message ?? NSNull(),
            "worker": c.worker ?? NSNull(), "enqueued_ms": c.enqueuedMs, "finished_ms": c.finishedMs ?? NSNull(),
            "errors": c.errors,
        ]
    }

    static func dictionary(_ d: DeadLetter) -> [String: Any] {
        [
            "call_id": d.callID, "method": d.method, "entry": d.entry, "priority": d.priority,
            "attempts": d.attempts, "errors": d.errors, "dead_ms": d.deadMs, "payload_bytes": d.payload?.count ?? 0,
        ]
    }

    static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
        else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
