import Foundation
import Testing

@testable import RoadSenseHost

@Suite("Call ids")
struct CallIDSourceTests {
    @Test("128 bits become a version 4 UUID in lowercase: the version and variant bits are set, the rest kept")
    func format() {
        // By hand: digit 13 (the version) becomes 4; the top two bits of digit 17 become 10 (f → b).
        #expect(
            CallIDSource.format(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
                == "01234567-89ab-4def-bedc-ba9876543210")
    }

    @Test("ids across several refills are distinct UUIDs that Foundation parses and the queue can compact")
    func ids() throws {
        let source = CallIDSource()
        let ids = (0..<1000).map { _ in source.make() }  // 256 ids per refill of the pool
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            let bytes = Array(id.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
            #expect(CompactCallID(id)?.string == id)
        }
    }
}
