import Foundation
import RaceDomain
import RoadSenseProtocol
import Testing

@Suite("The codec frees what it allocates")
struct CodecMemoryTests {
    /// Resident set size from /proc/self/statm (`mallinfo2` is not visible through the Glibc module).
    private func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test("100k encode/decode cycles leave the heap where it was")
    func encodeDecodeDoesNotLeak() throws {
        let messages: [PeerMessage] = [.call(WireFixtures.call), .hello(WireFixtures.hello)]
        let update = Update(seq: 1, publishedMs: 2, topic: "report", body: .report(WireFixtures.report))
        let garbage: [UInt8] = Array(PeerMessage.call(WireFixtures.call).encoded().dropLast())

        func cycle(_ count: Int) throws {
            for index in 0..<count {
                let message = messages[index % messages.count]
                #expect(try PeerMessage(wire: message.encoded()) == message)
                _ = try Update(wire: update.encoded())
                _ = try? PeerMessage(wire: garbage)
            }
        }

        try cycle(1_000)
        let before = try residentBytes()
        try cycle(100_000)
        let grown = try residentBytes() - before
        // Forgetting the arena or free_unpacked loses over 1 KB a cycle, i.e. 100+ MB here; other tests running
        // in parallel move RSS by a few MB at most.
        #expect(grown < 24 * 1_024 * 1_024, "resident memory grew by \(grown) bytes over 100k cycles")
    }
}
