import Foundation

/// What every XML document from outside must pass before XMLParser sees it: UTF-8 without NUL bytes,
/// no DOCTYPE or entity declarations (where XXE and entity-expansion attacks live), and no processing
/// instruction besides the XML declaration (libxml2 hands an empty one to swift-corelibs-foundation as
/// a null pointer, which crashes the process: found by fuzzing). The checks scan the bytes: ASCII markup
/// needs no Unicode-aware search, which profiling showed cost more than parsing a workbook.
public enum XMLSafety {
    /// The reason the document is refused, or nil when it may be parsed.
    public static func problem(_ bytes: [UInt8], what: String) -> String? {
        guard !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil else {
            // Other encodings (UTF-16) would slip past the declaration checks below.
            return "\(what) must be UTF-8 encoded."
        }
        if find(Array("<!DOCTYPE".utf8), in: bytes) != nil || find(Array("<!ENTITY".utf8), in: bytes) != nil {
            return "\(what) declares a DOCTYPE or entities, which it never needs; it was refused for safety."
        }
        if hasProcessingInstruction(bytes) {
            return "\(what) contains a processing instruction (<?…?>) besides the XML declaration, which it never needs; it was refused for safety."
        }
        return nil
    }

    /// Any `<?` but the leading XML declaration.
    public static func hasProcessingInstruction(_ text: String) -> Bool { hasProcessingInstruction(Array(text.utf8)) }

    static func hasProcessingInstruction(_ bytes: [UInt8]) -> Bool {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        if bytes[start...].starts(with: Array("<?xml ".utf8)), let end = find(Array("?>".utf8), in: bytes, from: start + 2, ignoringCase: false) {
            // A declaration holds attributes only: a "<" inside means another instruction hides in it.
            if bytes[(start + 2)..<end].contains(UInt8(ascii: "<")) { return true }
            start = end + 2
        }
        return find(Array("<?".utf8), in: bytes, from: start, ignoringCase: false) != nil
    }

    /// Where `needle` (ASCII) first occurs at or after `from`, ASCII letters compared without case unless told.
    public static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int = 0, ignoringCase: Bool = true) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        func fold(_ byte: UInt8) -> UInt8 { ignoringCase && byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }
        let wanted = needle.map(fold)
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            var index = max(0, from)
            let last = buffer.count - wanted.count
            while index <= last {
                if fold(buffer[index]) == wanted[0] {
                    var matched = 1
                    while matched < wanted.count, fold(buffer[index + matched]) == wanted[matched] { matched += 1 }
                    if matched == wanted.count { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
