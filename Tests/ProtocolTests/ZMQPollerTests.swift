import Foundation
import RoadSenseProtocol
import Testing

@Suite("ZMQPoller and EventFD wake a socket loop")
struct ZMQPollerTests {
    @Test("a loop blocked in poll wakes for items another thread queues behind an EventFD")
    func eventFDWakesPoll() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try ZMQSocket(context: context, kind: .pair)
        defer { socket.close() }
        try socket.bind(ZMQTestSupport.endpoint("inproc"))
        let wakeup = try EventFD()
        let queue = LockedQueue()

        let producer = ZMQTestSupport.onThread {
            for item in 0..<1_000 {
                queue.append(item)
                wakeup.signal()
            }
        }

        var consumed: [Int] = []
        while consumed.count < 1_000 {
            let ready = try ZMQPoller.poll(sockets: [socket], fds: [wakeup.fd], timeoutMs: ZMQTestSupport.patienceMs)
            try #require(ready.fds == [true], "poll timed out with \(consumed.count) items consumed")
            #expect(ready.sockets == [false])
            #expect(wakeup.drain() >= 1)
            consumed += queue.takeAll()
        }
        #expect(consumed == Array(0..<1_000))
        #expect(producer.wait(timeout: .now() + 5) == .success)
    }

    @Test("poll times out empty when nothing is readable")
    func pollTimesOut() throws {
        let wakeup = try EventFD()
        let started = ContinuousClock.now
        let ready = try ZMQPoller.poll(sockets: [], fds: [wakeup.fd], timeoutMs: 20)
        #expect(ready.isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(15))
    }

    @Test("drain returns the pending signal count and resets it")
    func drainResets() throws {
        let wakeup = try EventFD()
        #expect(wakeup.drain() == 0)
        wakeup.signal()
        wakeup.signal()
        wakeup.signal()
        #expect(wakeup.drain() == 3)
        #expect(wakeup.drain() == 0)
        #expect(try ZMQPoller.poll(sockets: [], fds: [wakeup.fd], timeoutMs: 0).isEmpty)
    }

    @Test("poll reports which socket is readable")
    func pollReportsReadableSocket() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let endpoint = ZMQTestSupport.endpoint("inproc")
        let quiet = try ZMQSocket(context: context, kind: .pair)
        defer { quiet.close() }
        try quiet.bind(ZMQTestSupport.endpoint("inproc"))
        let receiver = try ZMQSocket(context: context, kind: .pair)
        defer { receiver.close() }
        try receiver.bind(endpoint)
        let sender = try ZMQSocket(context: context, kind: .pair)
        defer { sender.close() }
        try sender.connect(endpoint)

        try sender.send([[42]])
        let ready = try ZMQPoller.poll(sockets: [quiet, receiver], timeoutMs: ZMQTestSupport.patienceMs)
        #expect(ready.sockets == [false, true])
        #expect(try receiver.receive(dontWait: true) == [[42]])
    }
}
