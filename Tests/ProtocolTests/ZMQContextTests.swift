import Foundation
import RoadSenseProtocol
import Testing

@Suite("ZMQContext shuts down promptly")
struct ZMQContextTests {
    @Test("terminating with unsent messages returns within the linger period")
    func terminateWithUnsentMessages() throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        // Nobody listens here; with ZMQ_IMMEDIATE off the messages queue on the pending connection.
        try dealer.connect(ZMQTestSupport.endpoint("ipc"))
        for _ in 0..<100 {
            #expect(try dealer.send(PeerFrames.encode(.goodbye(Goodbye(reason: "unsent"))), dontWait: true))
        }
        dealer.close()

        let started = ContinuousClock.now
        let terminated = ZMQTestSupport.onThread { context.terminate() }
        #expect(terminated.wait(timeout: .now() + 5) == .success, "zmq_ctx_term hung on unsent messages")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("terminate makes a receive blocked on another thread fail with ETERM")
    func terminateInterruptsBlockedReceive() throws {
        let context = try ZMQContext()
        let ready = DispatchSemaphore(value: 0)
        let outcome = LockedQueue()

        // The socket lives and dies on its own thread, as sockets must.
        let loop = ZMQTestSupport.onThread {
            guard let socket = try? ZMQSocket(context: context, kind: .pair) else { return }
            defer { socket.close() }
            ready.signal()
            do {
                _ = try socket.receive()
            } catch let error as ZMQError where error.isContextTerminated {
                outcome.append(1)
            } catch {
                outcome.append(2)
            }
        }
        #expect(ready.wait(timeout: .now() + 5) == .success)

        let terminated = ZMQTestSupport.onThread { context.terminate() }
        #expect(terminated.wait(timeout: .now() + 5) == .success)
        #expect(loop.wait(timeout: .now() + 5) == .success)
        #expect(outcome.takeAll() == [1])
    }

    @Test("the linked libzmq reports its version")
    func versionIsReported() {
        let version = ZMQVersion.components
        #expect(ZMQVersion.string == "\(version.major).\(version.minor).\(version.patch)")
        #expect(version.major == 4)
        #expect(version >= (4, 3, 0))
    }
}
