import Foundation

/// The columns of a Canvas request log that drift detection reads. Canvas Data 2's `web_logs`
/// names them `timestamp`, `user_id`, `developer_key_id`, `http_method`, `url`, `user_agent`;
/// exports prefix them (`value.url`) and other tools rename them, so each has aliases, and an
/// institution can name its own with `--column field=header`.
public enum WebLogField: String, CaseIterable, Sendable {
    case timestamp
    case userID = "user_id"
    case developerKeyID = "developer_key_id"
    case method = "http_method"
    case url
    case userAgent = "user_agent"

    public var aliases: [String] {
        switch self {
        case .timestamp: ["timestamp", "created_at", "time", "request_time"]
        case .userID: ["user_id"]
        case .developerKeyID: ["developer_key_id", "developer_key", "client_id"]
        case .method: ["http_method", "method", "request_method"]
        case .url: ["url", "path", "request_url", "request_path"]
        case .userAgent: ["user_agent", "useragent", "http_user_agent"]
        }
    }

    static let count = allCases.count

    var slot: Int {
        switch self {
        case .timestamp: 0
        case .userID: 1
        case .developerKeyID: 2
        case .method: 3
        case .url: 4
        case .userAgent: 5
        }
    }
}

/// Which header names feed which field, with institution overrides first.
public struct WebLogColumns: Equatable, Sendable {
    public var overrides: [WebLogField: String]

    public init(overrides: [WebLogField: String] = [:]) {
        self.overrides = overrides
    }

    /// Parses `field=header` pairs as given on the command line.
    public static func parse(_ pairs: [String]) throws -> WebLogColumns {
        var overrides: [WebLogField: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let field = WebLogField(rawValue: parts[0].lowercased()), !parts[1].isEmpty else {
                throw WebLogError.badColumnOption(pair)
            }
            overrides[field] = parts[1]
        }
        return WebLogColumns(overrides: overrides)
    }

    /// The field a header name feeds, if any. `value.` and `"` are stripped and case is ignored.
    func field(forHeader raw: String) -> WebLogField? {
        var name = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if let override = overrides.first(where: { $0.value.lowercased() == name }) { return override.key }
        if name.hasPrefix("value.") { name.removeFirst(6) }
        if let override = overrides.first(where: { $0.value.lowercased() == name }) { return override.key }
        return WebLogField.allCases.first { field in overrides[field] == nil && field.aliases.contains(name) }
    }
}

/// Problems with a whole log file (as opposed to one malformed row, which is only counted).
public enum WebLogError: Error, Equatable, CustomStringConvertible {
    case badColumnOption(String)
    case missingColumns([String], found: [String])
    case nothingToAttributeBy(found: [String])
    case emptyFile

    public var description: String {
        switch self {
        case let .badColumnOption(pair):
            "“\(pair)” is not field=header; fields are \(WebLogField.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .missingColumns(_, found) where Self.isBinary(found), let .nothingToAttributeBy(found) where Self.isBinary(found):
            "the file is not a CSV or JSON Lines log: its first line is not text (an image, an archive or another binary file?)"
        case let .missingColumns(missing, found):
            "the log has no \(missing.joined(separator: " or ")) column (its columns are: \(Self.shown(found)))"
        case let .nothingToAttributeBy(found):
            "the log has no developer_key_id, user_id or user_agent column to attribute requests by (its columns are: \(Self.shown(found)))"
        case .emptyFile:
            "the log is empty"
        }
    }

    /// A header that had bytes which are not UTF-8 (read as U+FFFD) or control characters other than tab.
    static func isBinary(_ columns: [String]) -> Bool {
        columns.contains { $0.unicodeScalars.contains { $0 == "\u{FFFD}" || ($0.properties.generalCategory == .control && $0 != "\t") } }
    }

    /// The first 30 column names as a message can show them (see `Excerpt`), at most 40 characters each.
    static func shown(_ columns: [String]) -> String {
        columns.prefix(30).map { Excerpt.of($0, limit: 40) }.joined(separator: ", ")
    }
}

/// One row's fields as byte ranges into the buffer being scanned; a missing field is an empty range.
struct LogRowFields {
    var starts = (0, 0, 0, 0, 0, 0)
    var ends = (0, 0, 0, 0, 0, 0)
    /// Bit per field: the value needs unescaping (CSV `""` or a JSON `\` escape).
    var escaped: UInt8 = 0
    /// Bit per field: the value was present.
    var present: UInt8 = 0

    @inline(__always)
    mutating func set(_ slot: Int, _ start: Int, _ end: Int, escaped isEscaped: Bool) {
        withUnsafeMutableBytes(of: &starts) { $0.storeBytes(of: start, toByteOffset: slot * MemoryLayout<Int>.stride, as: Int.self) }
        withUnsafeMutableBytes(of: &ends) { $0.storeBytes(of: end, toByteOffset: slot * MemoryLayout<Int>.stride, as: Int.self) }
        present |= 1 << UInt8(slot)
        if isEscaped { escaped |= 1 << UInt8(slot) } else { escaped &= ~(1 << UInt8(slot)) }
    }

    @inline(__always)
    func range(_ field: WebLogField) -> (Int, Int)? {
        let slot = field.slot
        guard present & (1 << UInt8(slot)) != 0 else { return nil }
        let start = withUnsafeBytes(of: starts) { $0.load(fromByteOffset: slot * MemoryLayout<Int>.stride, as: Int.self) }
        let end = withUnsafeBytes(of: ends) { $0.load(fromByteOffset: slot * MemoryLayout<Int>.stride, as: Int.self) }
        return (start, end)
    }

    @inline(__always)
    func isEscaped(_ field: WebLogField) -> Bool { escaped & (1 << UInt8(field.slot)) != 0 }
}

/// Byte-level readers for one CSV record or one JSON Lines object. Both only record where the
/// wanted fields are; nothing is copied unless a value has escapes and is actually needed.
enum WebLogRowReader {
    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let newline = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    enum CSVResult { case row(end: Int, lines: Int), incomplete, tooLong }

    /// Reads one CSV record starting at `start`. `slots[i]` is the field slot of column i or -1.
    /// Returns the index just past the record's line end, or `.incomplete` when the buffer ends first
    /// (unless `atEOF`, where the buffer end closes the record). Quoted fields may hold commas,
    /// quotes (`""`) and line breaks. `fields.present` tells which columns the row actually had.
    static func csvRecord(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, slots: [Int8], atEOF: Bool, maxLength: Int,
                          into fields: inout LogRowFields, columnsSeen: inout Int) -> CSVResult {
        var i = start
        let end = buffer.endIndex
        var column = 0
        var lines = 1
        fields.present = 0
        fields.escaped = 0
        while true {
            // One field.
            let slot = column < slots.count ? Int(slots[column]) : -1
            if i < end, buffer[i] == quote {
                var j = i + 1
                var hasEscape = false
                while true {
                    guard j < end else {
                        if atEOF { return .row(end: end, lines: lines) }
                        return j - start > maxLength ? .tooLong : .incomplete
                    }
                    let byte = buffer[j]
                    if byte == quote {
                        if j + 1 < end, buffer[j + 1] == quote { hasEscape = true; j += 2; continue }
                        if j + 1 == end, !atEOF { return .incomplete }
                        break
                    }
                    if byte == newline { lines += 1 }
                    j += 1
                }
                if slot >= 0 { fields.set(slot, i + 1, j, escaped: hasEscape) }
                i = j + 1
                // Anything between the closing quote and the next comma is kept out of the value.
                while i < end, buffer[i] != comma, buffer[i] != newline { i += 1 }
            } else {
                var j = i
                while j < end, buffer[j] != comma, buffer[j] != newline { j += 1 }
                if j == end, !atEOF { return j - start > maxLength ? .tooLong : .incomplete }
                var valueEnd = j
                if valueEnd > i, buffer[valueEnd - 1] == cr { valueEnd -= 1 }
                if slot >= 0 { fields.set(slot, i, valueEnd, escaped: false) }
                i = j
            }
            column += 1
            if i >= end {
                if !atEOF { return .incomplete }
                columnsSeen = column
                return .row(end: end, lines: lines)
            }
            if buffer[i] == newline {
                columnsSeen = column
                return .row(end: i + 1, lines: lines)
            }
            i += 1 // the comma
            if i - start > maxLength { return .tooLong }
        }
    }

    /// Reads the JSON object on one line (`start..<end`, no line break inside). Top-level keys are
    /// looked up by name; a top-level `"value"` object (Canvas Data 2's export shape) is read the
    /// same way. False when the line is not one well-formed object.
    static func jsonObject(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, names: [([UInt8], Int8)],
                           into fields: inout LogRowFields) -> Bool {
        fields.present = 0
        fields.escaped = 0
        var i = skipSpace(buffer, start, end)
        guard object(buffer, &i, end, names: names, depth: 0, into: &fields) else { return false }
        i = skipSpace(buffer, i, end)
        return i == end
    }

    private static func object(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int, names: [([UInt8], Int8)], depth: Int,
                               into fields: inout LogRowFields) -> Bool {
        guard i < end, b[i] == UInt8(ascii: "{") else { return false }
        i = skipSpace(b, i + 1, end)
        if i < end, b[i] == UInt8(ascii: "}") { i += 1; return true }
        while true {
            guard let (keyStart, keyEnd, _) = string(b, &i, end) else { return false }
            i = skipSpace(b, i, end)
            guard i < end, b[i] == UInt8(ascii: ":") else { return false }
            i = skipSpace(b, i + 1, end)
            guard i < end else { return false }
            let key = UnsafeBufferPointer(rebasing: b[keyStart..<keyEnd])
            let slot = depth < 2 ? slot(of: key, in: names) : -1
            if depth == 0, b[i] == UInt8(ascii: "{"), key.elementsEqual("value".utf8) {
                guard object(b, &i, end, names: names, depth: 1, into: &fields) else { return false }
            } else if slot >= 0, b[i] == quote {
                guard let (valueStart, valueEnd, escaped) = string(b, &i, end) else { return false }
                fields.set(slot, valueStart, valueEnd, escaped: escaped)
            } else if slot >= 0, b[i] == UInt8(ascii: "-") || (b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9")) {
                let valueStart = i
                while i < end, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: ".")
                        || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") || (b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9")) {
                    i += 1
                }
                fields.set(slot, valueStart, i, escaped: false)
            } else {
                guard skipValue(b, &i, end) else { return false }
            }
            i = skipSpace(b, i, end)
            guard i < end else { return false }
            if b[i] == UInt8(ascii: ",") { i = skipSpace(b, i + 1, end); continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return true }
            return false
        }
    }

    /// A JSON string at `i`: the range between its quotes and whether it has escapes.
    private static func string(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> (Int, Int, Bool)? {
        guard i < end, b[i] == quote else { return nil }
        let valueStart = i + 1
        var j = valueStart
        var escaped = false
        while j < end {
            let byte = b[j]
            if byte == quote { i = j + 1; return (valueStart, j, escaped) }
            if byte == UInt8(ascii: "\\") { escaped = true; j += 2; continue }
            if byte < 0x20 { return nil }
            j += 1
        }
        return nil
    }

    @inline(__always)
    private static func slot(of key: UnsafeBufferPointer<UInt8>, in names: [([UInt8], Int8)]) -> Int {
        for (name, slot) in names where name.count == key.count && name.elementsEqual(key) { return Int(slot) }
        return -1
    }

    /// Skips any JSON value without looking inside strings' escapes beyond what framing needs.
    /// Nesting is tracked with a counter (no recursion), capped at 64 levels.
    private static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> Bool {
        var depth = 0
        repeat {
            guard i < end else { return false }
            let byte = b[i]
            switch byte {
            case quote:
                var j = i + 1
                while j < end, b[j] != quote { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                guard j < end else { return false }
                i = j + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= 64 else { return false }
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return false }
                depth -= 1
                i += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\t"), cr:
                guard depth > 0 else { return true }
                i += 1
            default:
                // true, false, null, numbers
                let from = i
                while i < end, !isDelimiter(b[i]) { i += 1 }
                guard i > from else { return false }
            }
        } while depth > 0
        return true
    }

    @inline(__always)
    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == comma || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: " ")
            || byte == UInt8(ascii: "\t") || byte == cr || byte == quote || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[")
    }

    @inline(__always)
    static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") || b[i] == cr { i += 1 }
        return i
    }

    /// The value of a field as a String, unescaped. Only used for what is kept (findings, samples).
    static func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: (Int, Int), escaped: Bool, json: Bool) -> String {
        let bytes = UnsafeBufferPointer(rebasing: buffer[range.0..<range.1])
        guard escaped else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: json ? unescapeJSON(bytes) : unescapeCSV(bytes), as: UTF8.self)
    }

    static func unescapeCSV(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            out.append(bytes[i])
            i += bytes[i] == quote && i + 1 < bytes.endIndex && bytes[i + 1] == quote ? 2 : 1
        }
        return out
    }

    /// JSON string escapes, including `\uXXXX` and surrogate pairs; anything malformed becomes U+FFFD.
    static func unescapeJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.endIndex else { return nil }
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                guard let digit = RequestMatcher.hexValue(bytes[k]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < bytes.endIndex {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < bytes.endIndex else { out.append(byte); i += 1; continue }
            let kind = bytes[i + 1]
            i += 2
            switch kind {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = hex4(i).flatMap(Unicode.Scalar.init)
                if let high = hex4(i), (0xD800...0xDBFF).contains(high), i + 10 <= bytes.endIndex,
                   bytes[i + 4] == UInt8(ascii: "\\"), bytes[i + 5] == UInt8(ascii: "u"), let low = hex4(i + 6), (0xDC00...0xDFFF).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                    i += 6
                }
                if hex4(i) != nil { i += 4 }
                out.append(contentsOf: Array(String(scalar ?? "\u{FFFD}").utf8))
            default: out.append(kind)
            }
        }
        return out
    }
}
