import Testing

@testable import RaceDomain

@Suite("ASCIINumber")
struct ASCIINumberTests {
    private func double(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { ASCIINumber.double($0) }
    }

    private func int(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { ASCIINumber.int($0) }
    }

    @Test("reads 20,000 generated decimals bit for bit as Double(String) does, short and 17–25 digits long")
    func generatedDecimals() {
        // A fixed linear congruential sequence, so every run checks the same strings.
        var state: UInt64 = 0x1234_5678
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        var checked = 0
        for _ in 0..<20_000 {
            let whole = String(next(100_000))
            let fraction = String((0..<Int(next(25))).map { _ in Character(String(next(10))) })
            let text = (next(2) == 0 ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
            #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
            checked += 1
        }
        #expect(checked == 20_000)
    }

    @Test("agrees with Double(String) and Int(String) on the feed's odd spellings")
    func oddSpellings() {
        for text in [
            "0.34600000000000003", "9.700000000000001", "33.532588958740234", "100", "-0", "-0.0", "1e5", "1E-3",
            ".5", "5.", "+5", "0x1p3", "nan", "inf", "-inf", "", "-", "1.2.3", "1,5", " 1", "1 ", "00012.50",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        ] {
            #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "'\(text)'")
        }
        for text in ["2", "+3", "-0", "-7", "32768", "3.0", "", "+", "-", "99999999999999999999", " 2", "0002"] {
            #expect(int(text) == Int(text), "'\(text)'")
        }
    }
}
