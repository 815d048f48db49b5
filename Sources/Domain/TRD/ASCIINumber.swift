import Foundation

/// Number parsing straight from a field's bytes, giving exactly what `Double(String)` / `Int(String)` give
/// for the same text, without making the `String` in the common case.
enum ASCIINumber {
    /// Powers of ten that a `Double` holds exactly (10^0 … 10^22).
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `Double(String(decoding: bytes, as: UTF8.self))`, computed faster for plain decimals.
    ///
    /// `-?digits(.digits)?` with at most 2^53 as its digits and at most 22 after the point is one exactly
    /// rounded division (both operands are exact doubles); other plain decimals go to `strtod` (while the
    /// locale's decimal point is `.`), which reads them as `Double(String)` does on this platform; anything else (exponents, `nan`, `inf`, hex, junk) is handed to
    /// `Double(String)` itself.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = bytes.count
        var index = 0
        let negative = count > 0 && bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }

        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var sawPoint = false
        var plain = index < count
        while index < count {
            let byte = bytes[index]
            if byte >= 48, byte <= 57 {
                if digitCount < 19 { mantissa = mantissa * 10 + UInt64(byte - 48) }
                digitCount += 1
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint, digitCount > 0 {
                sawPoint = true
            } else {
                plain = false
                break
            }
            index += 1
        }
        if sawPoint, fractionDigits == 0 { plain = false }
        guard plain else { return Double(String(decoding: bytes, as: UTF8.self)) }

        if digitCount <= 19, mantissa <= (1 << 53), fractionDigits <= 22 {
            let magnitude = Double(mantissa) / exactPowersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        return strtodPlain(bytes)
    }

    /// `strtod` on a plain decimal, via a NUL-terminated copy on the stack. `Double(String)` reads in the C
    /// locale; `strtod` reads in the thread's, so it is only used while that locale's decimal point is `.`
    /// (always, unless something called `setlocale`), and `Double(String)` is used otherwise.
    private static func strtodPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard bytes.count < 64, let radix = nl_langinfo(nl_item(RADIXCHAR)), radix[0] == 0x2E, radix[1] == 0 else {
            return Double(String(decoding: bytes, as: UTF8.self))
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { text in
            for index in 0..<bytes.count { text[index] = CChar(bitPattern: bytes[index]) }
            text[bytes.count] = 0
            return strtod(text.baseAddress!, nil)
        }
    }

    /// `Int(String(decoding: bytes, as: UTF8.self))`: an optional sign, then one or more ASCII digits; nil on
    /// overflow.
    static func int(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        var index = 0
        var negative = false
        if count > 0, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < count else { return nil }

        var value = 0
        while index < count {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let digit = Int(byte - 48)
            let (next, overflowB) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { return nil }
            value = next
            index += 1
        }
        return value
    }
}
