extension TRDError {
    /// Longest piece of file content (a header, a field value) quoted in an error or a bad-row example.
    public static let excerptLimit = 80

    /// `text` made safe for one terminal line: control characters (C0, DEL, C1), format characters (bidi
    /// overrides, BOM) and line/paragraph separators become `\u{1B}`-style escapes, so a binary file's
    /// header cannot move the cursor or clear the screen. With a `limit`, a longer result is cut (never
    /// inside an escape) to at most `limit` characters, the last being `…`.
    public static func printable(_ text: String, limit: Int? = excerptLimit) -> String {
        var result = ""
        var length = 0
        var cut: (text: String, length: Int)?
        for scalar in text.unicodeScalars {
            let piece = isUnprintable(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : nil
            let pieceLength = piece?.count ?? 1

            // Remember the longest prefix that leaves room for `…`; stop once the limit is passed.
            if let limit, cut == nil, length + pieceLength > limit - 1 { cut = (result, length) }
            if let limit, length + pieceLength > limit { return (cut?.text ?? result) + "…" }
            if let piece { result += piece } else { result.unicodeScalars.append(scalar) }
            length += pieceLength
        }
        return result
    }

    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
