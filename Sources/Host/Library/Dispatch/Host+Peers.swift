import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore

extension Host {
    /// Waits for plugin messages or a wakeup, and handles everything that arrived.
    func pollOnce(timeoutMs: Int) throws {
        let sockets = [router!] + (control.map { [$0] } ?? [])
        let ready = try ZMQPoller.poll(
            sockets: sockets + (zap.map { [$0.socket] } ?? []), fds: [wakeup.fd], timeoutMs: timeoutMs)
        if ready.fds.first == true { wakeup.drain() }
        if ready.sockets.count > sockets.count && ready.sockets[sockets.count] { zap?.serve(nowMs: wallNowMs()) }
        if sockets.count > 1 && ready.sockets[1] { serveControl() }
        guard ready.sockets.first == true else { return }
        // Everything that arrived is handled in one store transaction (one commit for a pass of replies).
        var receiveError: Error?
        committing("replies") {
            do { try receivePass() } catch { receiveError = error }
        }
        if let receiveError { throw receiveError }
    }

    /// Handles the messages waiting on the ROUTER (at most `maxPerPass`, so a flood cannot starve the loop).
    private func receivePass() throws {
        var handled = 0
        while handled < Self.maxPerPass, let frames = try router.receive(dontWait: true) {
            handled += 1
            let identity = frames[0]
            let message: PeerMessage
            do {
                message = try PeerFrames.decode(frames.dropFirst())
            } catch {
                statistics.badFrames += 1
                warnBadInput("dropped a malformed frame from a peer", peer: identity, ["error": error])
                continue
            }
            handle(message, from: identity)
        }
    }

    static let maxPerPass = 512

    func handle(_ message: PeerMessage, from identity: [UInt8]) {
        let now = wallNowMs()
        let known = workers.heard(identity, nowMs: now)
        switch message {
        case .hello(let hello):
            if let problem = HelloRules.problem(hello) { return refuse(hello, from: identity, problem) }
            if known { workerLost(identity, reason: "registered again") }
            workers.register(identity, hello: hello, nowMs: now)
            onWorkerRegistered?(hello.pid)
            let welcome = Welcome(
                hostID: hostID, heartbeatIntervalMs: UInt32(config.heartbeatIntervalMs),
                liveness: UInt32(config.liveness))
            _ = try? router.send([identity] + PeerFrames.encode(.welcome(welcome)), dontWait: true)
            logger.info(
                "worker registered",
                [
                    "plugin": hello.plugin, "worker.pid": hello.pid, "credits": hello.credits,
                    "methods": hello.methods.joined(separator: ","),
                ])
        case .heartbeat:
            if !known { askToRegister(identity) }
        case .reply(let reply):
            guard known else {
                // A worker written off (silent, stuck) that comes back: its call went elsewhere.
                lateReply(reply, from: identity, reason: "from a worker this host no longer knows")
                return askToRegister(identity)
            }
            complete(reply, from: identity)
        case .goodbye(let goodbye):
            workerLost(identity, reason: "said goodbye: \(goodbye.reason)")
        case .welcome, .call, .cancel:
            statistics.badFrames += 1
            warnBadInput("a plugin sent a host-only message; ignored", peer: identity)
        }
    }

    /// A Hello that breaks the protocol's rules registers nothing; the peer is told why (a Goodbye, which
    /// means "stop") and, if it was registered under that identity, it is lost as for a second Hello.
    func refuse(_ hello: Hello, from identity: [UInt8], _ problem: String) {
        statistics.refusedHellos += 1
        if workers[identity] != nil { workerLost(identity, reason: "sent an invalid Hello") }
        warnBadInput(
            "refused a worker's Hello: it breaks the protocol (docs/protocol.md); the worker is not registered",
            peer: identity, ["problem": problem, "worker.pid": hello.pid])
        let goodbye = Goodbye(reason: "refused: invalid Hello: \(problem)")
        _ = try? router.send([identity] + PeerFrames.encode(.goodbye(goodbye)), dontWait: true)
    }

    /// A worker the host does not know (the host restarted) is told to register again.
    func askToRegister(_ identity: [UInt8]) {
        _ = try? router.send(
            [identity] + PeerFrames.encode(.goodbye(Goodbye(reason: Goodbye.unknownWorkerReason + "; send Hello"))),
            dontWait: true)
    }

    func complete(_ reply: Reply, from identity: [UInt8]) {
        // Only the worker running the current attempt settles a call; anything else is a late reply.
        guard let current = inFlight[reply.callID], current.worker == identity,
            reply.attempt == current.call.attempt
        else {
            return lateReply(reply, from: identity, reason: "for an attempt already settled or sent elsewhere")
        }
        inFlight[reply.callID] = nil
        let pending = current
        guard reply.status == .ok else {
            workers.replied(
                identity, callID: reply.callID, failure: "\(reply.status.name): \(reply.message.prefix(200))")
            return attemptFailed(pending, status: reply.status, message: reply.message)
        }
        do {
            try apply(result: reply.payload, of: pending.call.method)
            workers.replied(identity, callID: reply.callID)
            record(
                pending, state: .succeeded, status: StatusCode.ok.name,
                result: pending.entry == CallRecord.submitEntry || Self.keepsResult(pending.call.method)
                    ? reply.payload : nil)
        } catch {
            workers.replied(
                identity, callID: reply.callID,
                failure: "INTERNAL: reply payload does not decode: \(error)".prefix(200)
                    .description)
            attemptFailed(pending, status: .internal, message: "reply payload does not decode: \(error)")
        }
    }

    /// A reply that settles nothing (at-least-once: its call was re-sent, and the new attempt's reply is the
    /// one that counts). Counted (`ctl status`, `calls.late_replies`) and logged; never stored.
    func lateReply(_ reply: Reply, from identity: [UInt8], reason: String) {
        statistics.lateReplies += 1
        logger.info(
            "late reply ignored: \(reason)",
            [
                "call.id": reply.callID, "attempt": reply.attempt, "status": reply.status.name,
                "peer": Self.printable(identity),
            ])
    }

    /// Heartbeats the workers, and declares dead those silent past the liveness window; calls running
    /// past their deadline are cancelled and retried.
    func checkWorkers() {
        committing("worker checks") { checkWorkersPass() }
    }

    private func checkWorkersPass() {
        let now = wallNowMs()
        if now - lastHeartbeatWallMs >= Int64(config.heartbeatIntervalMs) {
            lastHeartbeatWallMs = now
            let beat = PeerFrames.encode(.heartbeat(Heartbeat(sentMs: now, inFlight: UInt32(inFlight.count))))
            for identity in workers.workers.keys { _ = try? router.send([identity] + beat, dontWait: true) }
        }
        let limit = Int64(config.heartbeatIntervalMs * config.liveness)
        for identity in workers.silent(nowMs: now, limitMs: limit) {
            // A replica this host started that stops answering (frozen, stopped, deadlocked) is killed, so the
            // supervisor replaces it; its calls go back to the queue either way.
            if let pid = workers[identity].flatMap({ Int32(exactly: $0.hello.pid) }), supervisor.owns(pid: pid) {
                logger.error(
                    "plugin process silent past the liveness window; killing it so it is replaced",
                    ["worker": workers[identity]?.label ?? "?", "silent_ms": limit])
                kill(pid, SIGKILL)
            }
            workerLost(identity, reason: "silent for more than \(limit) ms")
        }
        enforceTimeLimits(nowMs: now)
    }

    /// Soft limit (the call's deadline): the worker is sent Cancel and should reply DEADLINE_EXCEEDED.
    /// Hard limit (deadline + `hardLimitGraceMs`): the worker is presumed stuck; a plugin process this host
    /// started is killed (the supervisor restarts it), and the call is retried or dead-lettered by policy.
    func enforceTimeLimits(nowMs now: Int64) {
        guard now > nextTimeLimitWallMs else { return }
        defer {
            // The next moment anything here is due: a deadline, or the hard limit of a call already sent Cancel.
            let grace = Int64(config.hardLimitGraceMs)
            nextTimeLimitWallMs = inFlight.values.reduce(Int64.max) {
                min($0, $1.call.deadlineMs + ($1.cancelSent ? grace : 0))
            }
        }
        for callID in Array(inFlight.keys) {
            // Re-read each call: losing a stuck worker below re-queues its other calls mid-loop.
            guard let pending = inFlight[callID], now > pending.call.deadlineMs, let worker = pending.worker else {
                continue
            }
            if !pending.cancelSent {
                inFlight[callID]?.cancelSent = true
                let cancel = Cancel(callID: callID, reason: "soft time limit: deadline passed")
                _ = try? router.send([worker] + PeerFrames.encode(.cancel(cancel)), dontWait: true)
                logger.warning(
                    "call passed its deadline; asked the worker to cancel it",
                    ["call.id": callID, "call.method": pending.call.method, "worker": workers[worker]?.label ?? "?"])
            } else if now > pending.call.deadlineMs + Int64(config.hardLimitGraceMs) {
                inFlight[callID] = nil
                workers[worker]?.inFlight.remove(callID)
                attemptFailed(
                    pending, status: .deadlineExceeded,
                    message: "hard time limit: no reply \(config.hardLimitGraceMs) ms after the deadline")
                if let pid = workers[worker].flatMap({ Int32(exactly: $0.hello.pid) }), supervisor.owns(pid: pid) {
                    logger.error(
                        "worker stuck past the hard time limit; killing it", ["worker": workers[worker]?.label ?? "?"])
                    kill(pid, SIGKILL)
                }
                workerLost(worker, reason: "stuck past the hard time limit")
            }
        }
    }

    /// Forgets a worker and sends its in-flight calls back to the queue at once (as their next attempt).
    func workerLost(_ identity: [UInt8], reason: String) {
        guard let worker = workers.remove(identity) else { return }
        logger.warning(
            "worker lost; its calls go back to the queue",
            ["worker": worker.label, "reason": reason, "calls": worker.inFlight.count])
        for callID in worker.inFlight {
            guard let pending = inFlight.removeValue(forKey: callID) else { continue }
            attemptFailed(pending, status: .unavailable, message: "worker \(worker.label) lost: \(reason)")
        }
    }

    /// Process exits seen by the supervisor: the matching workers are lost now, not after the liveness window.
    func handleExits() {
        for pid in supervisor.collectExits(nowMs: wallNowMs()) {
            for (identity, worker) in workers.workers where worker.hello.pid == UInt32(pid) {
                workerLost(identity, reason: "process \(pid) exited")
            }
        }
    }

    /// A peer's identity for a log line: as text when it is printable ASCII (a plugin's own readable
    /// identity, `telemetry-4242-1a2b3c4d`), else `hex:` and its bytes (libzmq's generated ids start with a
    /// NUL byte; a fuzzer's are anything), cut at 32 bytes — never raw bytes, which would make the log binary.
    static func printable(_ identity: [UInt8]) -> String {
        let shown = identity.prefix(32)
        let more = identity.count > shown.count ? "…" : ""
        if !shown.isEmpty && shown.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x5C }) {
            return String(decoding: shown, as: UTF8.self) + more
        }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in shown { hex += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return "hex:" + String(decoding: hex, as: UTF8.self) + more
    }
}
