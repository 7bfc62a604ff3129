import Foundation

/// What every XML document from outside must pass before XMLParser sees it: UTF-8 without NUL bytes,
/// no DOCTYPE or entity declarations (where XXE and entity-expansion attacks live), and no processing
/// instruction besides the XML declaration (libxml2 hands an empty one to swift-corelibs-foundation as
/// a null pointer, which crashes the process: found by fuzzing).
public enum XMLSafety {
    /// The reason the document is refused, or nil when it may be parsed.
    public static func problem(_ bytes: [UInt8], what: String) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            // Other encodings (UTF-16) would slip past the declaration check below.
            return "\(what) must be UTF-8 encoded."
        }
        let upper = text.uppercased()
        if upper.contains("<!DOCTYPE") || upper.contains("<!ENTITY") {
            return "\(what) declares a DOCTYPE or entities, which it never needs; it was refused for safety."
        }
        if hasProcessingInstruction(text) {
            return "\(what) contains a processing instruction (<?…?>) besides the XML declaration, which it never needs; it was refused for safety."
        }
        return nil
    }

    /// Any `<?` but the leading XML declaration.
    public static func hasProcessingInstruction(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        if rest.hasPrefix("<?xml "), let end = rest.range(of: "?>") {
            // A declaration holds attributes only: a "<" inside means another instruction hides in it.
            if rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound].contains("<") { return true }
            rest = rest[end.upperBound...]
        }
        return rest.contains("<?")
    }
}
